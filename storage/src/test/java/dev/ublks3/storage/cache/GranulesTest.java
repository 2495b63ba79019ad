package dev.ublks3.storage.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The granule geometry and the runs of one state, over a real cache log (16 KiB objects: 4 granules of 4 KiB). */
class GranulesTest {

    @TempDir
    Path dir;

    @Test
    void geometry() throws IOException {
        try (CacheLog log = CacheTesting.open(dir)) {
            Granules g = new Granules(log, CacheTesting.IDENTITY.objectSize(), dir);
            assertEquals(4096, g.size);
            assertEquals(4, g.perObject);
            assertEquals(0, g.covering(0));
            assertEquals(1, g.covering(1));
            assertEquals(1, g.covering(4096));
            assertEquals(2, g.covering(4097));
            assertEquals(3L * 16384 + 2 * 4096, g.offset(3, 2));
        }
    }

    @Test
    void runsOfOneStateInOrderWithinTheRange() throws IOException {
        try (CacheLog log = CacheTesting.open(dir)) {
            Granules g = new Granules(log, CacheTesting.IDENTITY.objectSize(), dir);
            log.assign(0, 9);
            log.write(0, 0, ByteBuffer.allocate(4096));
            log.write(0, 2, ByteBuffer.allocate(4096)); // dirty, invalid, dirty, invalid
            log.assign(1, 10);
            log.write(1, 1, ByteBuffer.allocate(2 * 4096)); // invalid, dirty, dirty, invalid
            assertEquals(List.of("0-1", "2-3"), runs(g, 0, 0, 4, GranuleState.DIRTY));
            assertEquals(List.of("1-2", "3-4"), runs(g, 0, 0, 4, GranuleState.INVALID));
            assertEquals(List.of("1-2"), runs(g, 0, 1, 3, GranuleState.INVALID), "only within the range");
            assertEquals(List.of("1-3"), runs(g, 1, 0, 4, GranuleState.DIRTY), "a run is as long as it goes");
            assertEquals(List.of("1-2"), runs(g, 1, 0, 2, GranuleState.DIRTY), "but not past the range");
            assertEquals(List.of(), runs(g, 1, 0, 4, GranuleState.CLEAN));
        }
    }

    private static List<String> runs(Granules g, int slot, int from, int to, GranuleState state) throws IOException {
        List<String> runs = new ArrayList<>();
        g.forEachRun(slot, from, to, state, (first, end) -> runs.add(first + "-" + end));
        return runs;
    }
}
