package dev.ublks3.storage.cache;

import static dev.ublks3.storage.cache.CacheTesting.copy;
import static dev.ublks3.storage.cache.CacheTesting.open;
import static dev.ublks3.storage.cache.CacheTesting.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An overwrite of dirty granules whose bytes a checkpoint left only in the data file: a crash that tears the
 * slot before the overwrite's record is durable must not lose the older, maybe FLUSHed, data (a disk returns the
 * old or the new bytes, never neither); and a failed append puts the old bytes back.
 */
class TornOverwriteTest {

    private static final int GRANULE = CacheTesting.IDENTITY.granule();

    @TempDir
    Path tmp;

    /** In {@code dir}: drops the WAL from record {@code seq} on and tears granule 0 of slot 0, as a crash would. */
    private static void crashBefore(Path dir, long seq) throws IOException {
        CacheFiles files = new CacheFiles(dir);
        CacheHeader h;
        try (HeaderFile header = HeaderFile.open(files)) {
            h = header.current();
        }
        long number = files.walNumbers().stream().mapToLong(n -> n).max().orElseThrow();
        long cut = -1;
        RecordCodec codec = new RecordCodec(h.slots(), h.granulesPerSlot(), h.granule());
        try (WalReader reader = new WalReader(files.wal(number), h.cacheId(), number, codec)) {
            for (WalReader.Entry e = reader.next(); e != null; e = reader.next()) {
                if (e.seq() == seq) {
                    cut = e.offset();
                }
            }
        }
        assertTrue(cut > 0, "record " + seq + " is in wal." + number);
        try (FileChannel wal = FileChannel.open(files.wal(number), StandardOpenOption.WRITE);
                FileChannel data = FileChannel.open(files.data(), StandardOpenOption.WRITE)) {
            wal.truncate(cut);
            FileIo.writeFully(data, ByteBuffer.wrap(random(GRANULE, 77)), 0);
        }
    }

    private static void assertHolds(Path dir, byte[] expected) throws IOException {
        try (CacheLog log = open(dir)) {
            ByteBuffer back = ByteBuffer.allocate(expected.length);
            assertEquals(-1, log.read(0, 0, back), "the older data reads back");
            assertArrayEquals(expected, back.array());
        }
    }

    @Test
    void anOverwriteAfterACheckpointSurvivesATornSlot() throws IOException {
        Path dir = tmp.resolve("cache");
        byte[] older = random(2 * GRANULE, 1);
        long newer;
        try (CacheLog log = open(dir)) {
            log.assign(0, 7);
            log.write(0, 0, ByteBuffer.wrap(older));
            log.sync();
            log.checkpoint();
            newer = log.write(0, 0, ByteBuffer.wrap(random(GRANULE, 2)));
            copy(dir, tmp.resolve("crashed"));
        }
        crashBefore(tmp.resolve("crashed"), newer);
        assertHolds(tmp.resolve("crashed"), older);
    }

    @Test
    void anOverwriteWhileACheckpointRunsSurvivesATornSlot() throws IOException {
        Path dir = tmp.resolve("cache");
        byte[] older = random(GRANULE, 3);
        long[] newer = {-1};
        boolean[] armed = {false};
        CacheLog[] log = new CacheLog[1];
        log[0] = open(dir, step -> {
            if (!armed[0]) {
                return;
            }
            if (step == CheckpointStep.NEXT_WAL_LIVE) {
                // the checkpoint will retire the WAL file that holds the older bytes
                newer[0] = log[0].write(0, 0, ByteBuffer.wrap(random(GRANULE, 4)));
            }
            if (step == CheckpointStep.OLD_WALS_DELETED) {
                copy(dir, tmp.resolve("crashed"));
                armed[0] = false;
            }
        });
        try (CacheLog l = log[0]) {
            l.assign(0, 7);
            l.write(0, 0, ByteBuffer.wrap(older));
            armed[0] = true;
            l.checkpoint();
        }
        crashBefore(tmp.resolve("crashed"), newer[0]);
        assertHolds(tmp.resolve("crashed"), older);
    }

    @Test
    void aFailedAppendPutsTheOldBytesBack() throws IOException {
        Path dir = tmp.resolve("cache");
        byte[] older = random(GRANULE, 5);
        byte[] later = random(GRANULE, 6);
        boolean[] checkpointsFail = {false};
        try (CacheLog log = open(dir, step -> {
            if (checkpointsFail[0]) {
                throw new IOException("no checkpoint yet");
            }
        })) {
            log.assign(0, 7);
            log.write(0, 0, ByteBuffer.wrap(older));
            checkpointsFail[0] = true;
            log.walSegment().close();
            assertThrows(IOException.class, () -> log.write(0, 0, ByteBuffer.wrap(random(GRANULE, 9))));
            ByteBuffer back = ByteBuffer.allocate(GRANULE);
            assertEquals(-1, log.read(0, 0, back), "the slot holds what its index says");
            assertArrayEquals(older, back.array());
            // nothing may follow the torn record until a checkpoint retires its WAL file
            IOException refused = assertThrows(IOException.class, () -> log.assign(1, 8));
            assertTrue(refused.getMessage().contains("until a checkpoint succeeds"), refused.getMessage());
            checkpointsFail[0] = false;
            log.checkpoint();
            log.write(0, 0, ByteBuffer.wrap(later));
        }
        assertHolds(dir, later);
    }
}
