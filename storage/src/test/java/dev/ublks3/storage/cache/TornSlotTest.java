package dev.ublks3.storage.cache;

import static dev.ublks3.storage.cache.CacheTesting.open;
import static dev.ublks3.storage.cache.CacheTesting.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slot bytes a crash tore, made by overwriting the data file behind the log's back: dirty granules come back
 * from the WAL at reopen; a torn fill reads as a bad granule, never as data.
 */
class TornSlotTest {

    private static final int GRANULE = CacheTesting.IDENTITY.granule();

    @TempDir
    Path dir;

    /** Overwrites granules of a slot in the data file, as a torn write would leave them. */
    private void tear(int slot, int firstGranule, int granules) throws IOException {
        try (FileChannel data = FileChannel.open(dir.resolve(CacheFiles.DATA), StandardOpenOption.WRITE)) {
            FileIo.writeFully(
                    data,
                    ByteBuffer.wrap(random(granules * GRANULE, 99)),
                    (long) slot * CacheTesting.IDENTITY.objectSize() + (long) firstGranule * GRANULE);
        }
    }

    @Test
    void dirtyGranulesComeBackFromTheWalAndATornFillIsAMiss() throws IOException {
        byte[] written = random(2 * GRANULE, 1);
        byte[] filled = random(GRANULE, 2);
        CacheLog log = open(dir);
        log.assign(3, 42);
        log.write(3, 0, ByteBuffer.wrap(written));
        log.fill(3, 2, ByteBuffer.wrap(filled));
        log.sync();

        tear(3, 0, 3);
        ByteBuffer live = ByteBuffer.allocate(3 * GRANULE);
        assertEquals(0, log.read(3, 0, live), "the live log sees the torn slot");
        log.abandon();

        try (CacheLog reopened = open(dir)) {
            ByteBuffer back = ByteBuffer.allocate(2 * GRANULE);
            assertEquals(-1, reopened.read(3, 0, back), "the written granules match their CRC32Cs again");
            assertArrayEquals(written, back.array());
            ByteBuffer fill = ByteBuffer.allocate(GRANULE);
            assertEquals(2, reopened.read(3, 2, fill), "the torn fill is a miss");
            ByteBuffer all = ByteBuffer.allocate(4 * GRANULE);
            assertEquals(2, reopened.read(3, 0, all), "the first bad granule of a longer read");
            assertArrayEquals(written, Arrays.copyOf(all.array(), 2 * GRANULE), "the good ones before it are read");
            assertEquals(GranuleState.DIRTY, reopened.index().state(3, 0));
        }
    }

    @Test
    void readSaysWhichGranuleIsNotValid() throws IOException {
        try (CacheLog log = open(dir)) {
            log.assign(0, 1);
            log.fill(0, 1, ByteBuffer.wrap(random(GRANULE, 3)));
            assertEquals(0, log.read(0, 0, ByteBuffer.allocate(2 * GRANULE)), "granule 0 was never filled");
            assertEquals(2, log.read(0, 1, ByteBuffer.allocate(2 * GRANULE)), "granule 2 was never filled");
            assertEquals(-1, log.read(0, 1, ByteBuffer.allocate(GRANULE)));
            assertEquals(1, log.read(1, 1, ByteBuffer.allocate(GRANULE)), "a free slot holds nothing");
        }
    }
}
