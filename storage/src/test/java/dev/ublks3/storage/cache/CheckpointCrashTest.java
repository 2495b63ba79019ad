package dev.ublks3.storage.cache;

import static dev.ublks3.storage.cache.CacheTesting.assertSameIndex;
import static dev.ublks3.storage.cache.CacheTesting.copy;
import static dev.ublks3.storage.cache.CacheTesting.open;
import static dev.ublks3.storage.cache.CacheTesting.snapshotOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash at every step of a checkpoint, with records appended to the next WAL file meanwhile: the directory as
 * it stands after each step (copied there) reopens to the full state; and a checkpoint stopped at any step
 * leaves a log that goes on and reopens whole.
 */
class CheckpointCrashTest {

    @TempDir
    Path tmp;

    /** The log and workload a hook acts on, set once the log is open. */
    private CacheLog log;

    private Workload workload;

    @Test
    void theDirectoryAfterEveryStepReopensWhole() throws IOException {
        Path dir = tmp.resolve("cache");
        Map<CheckpointStep, CacheIndex> expected = new EnumMap<>(CheckpointStep.class);
        Map<CheckpointStep, Map<Integer, byte[]>> bytes = new EnumMap<>(CheckpointStep.class);
        boolean[] armed = {false};
        log = open(dir, step -> {
            if (armed[0]) {
                // appends go on while the checkpoint runs: they land in the next WAL file
                workload.run(workload.steps.size() + 3);
                expected.put(step, snapshotOf(log));
                bytes.put(step, Map.copyOf(workload.bytes()));
                copy(dir, tmp.resolve("after-" + step));
            }
        });
        workload = new Workload(log, 9, snapshotOf(log));
        workload.run(30);
        log.checkpoint();
        workload.run(60);
        armed[0] = true;
        log.checkpoint();
        armed[0] = false;
        log.close();
        assertEquals(CheckpointStep.values().length, expected.size());
        for (CheckpointStep step : CheckpointStep.values()) {
            try (CacheLog reopened = open(tmp.resolve("after-" + step))) {
                assertSameIndex(expected.get(step), snapshotOf(reopened), "crash after " + step);
                Workload.assertReads(reopened, expected.get(step), bytes.get(step), "crash after " + step);
            }
        }
    }

    @Test
    void aCheckpointStoppedAtAnyStepLeavesTheLogWhole() throws IOException {
        for (CheckpointStep stop : CheckpointStep.values()) {
            Path dir = tmp.resolve("stop-" + stop);
            boolean[] armed = {false};
            log = open(dir, step -> {
                if (armed[0] && step == stop) {
                    throw new IOException("stopped after " + step);
                }
            });
            workload = new Workload(log, stop.ordinal(), snapshotOf(log));
            workload.run(20);
            armed[0] = true;
            assertThrows(IOException.class, log::checkpoint);
            armed[0] = false;
            workload.run(40);
            Path crashed = copy(dir, tmp.resolve("crashed-" + stop));
            CacheIndex atCrash = snapshotOf(log);
            Map<Integer, byte[]> bytesAtCrash = Map.copyOf(workload.bytes());

            // the next checkpoint retires every WAL file the stopped one left
            log.checkpoint();
            assertEquals(1, new CacheFiles(dir).walNumbers().size(), "one WAL file after " + stop);
            workload.run(60);
            log.abandon();

            try (CacheLog reopened = open(crashed)) {
                assertSameIndex(atCrash, snapshotOf(reopened), "stopped after " + stop + ", then a crash");
                Workload.assertReads(reopened, atCrash, bytesAtCrash, "stopped after " + stop + ", then a crash");
            }
            try (CacheLog reopened = open(dir)) {
                assertSameIndex(workload.model(), snapshotOf(reopened), "stopped after " + stop + ", then more");
                Workload.assertReads(reopened, workload.model(), workload.bytes(), "stopped after " + stop);
            }
        }
    }
}
