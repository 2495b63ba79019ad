package dev.ublks3.storage.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Shared parts of the cache tests: identities, opening, comparing indexes, copying a cache directory, waiting.
 */
final class CacheTesting {

    static final CacheIdentity IDENTITY = new CacheIdentity("http://127.0.0.1:9000 bucket", "disk", 16 << 10);
    static final int SLOTS = 8;
    /** Large enough that no test's WAL reaches it unless the test means to. */
    static final CacheLogOptions NO_AUTO_CHECKPOINT = new CacheLogOptions(1L << 40);

    private CacheTesting() {}

    /** What a log said, line by line. */
    static final class Said {
        final List<String> lines = new CopyOnWriteArrayList<>();

        void add(String line) {
            lines.add(line);
        }

        String all() {
            return String.join("\n", lines);
        }
    }

    static CacheLog open(Path dir) throws IOException {
        return CacheLog.open(dir, IDENTITY, SLOTS, line -> {}, NO_AUTO_CHECKPOINT);
    }

    static CacheLog open(Path dir, CheckpointHook hook) throws IOException {
        return CacheLog.open(dir, IDENTITY, SLOTS, line -> {}, NO_AUTO_CHECKPOINT, hook);
    }

    /** {@code bytes} random bytes, the same for the same seed. */
    static byte[] random(int bytes, long seed) {
        byte[] b = new byte[bytes];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Copies {@code from}'s files into {@code to} (made), as a crash would leave them if the page cache held. */
    static Path copy(Path from, Path to) {
        try {
            Files.createDirectories(to);
            try (Stream<Path> files = Files.list(from)) {
                for (Path f : files.toList()) {
                    Files.copy(f, to.resolve(f.getFileName()));
                }
            }
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What {@code work} returns, run holding the log's lock. */
    static <T> T locked(CacheLog log, Supplier<T> work) {
        log.lock().lock();
        try {
            return work.get();
        } finally {
            log.lock().unlock();
        }
    }

    /** Waits for {@code condition}, polling; fails after 30 s. */
    static void waitFor(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** A copy of the log's index, taken under its lock. */
    static CacheIndex snapshotOf(CacheLog log) {
        log.lock().lock();
        try {
            return new CacheIndex(log.index().image());
        } finally {
            log.lock().unlock();
        }
    }

    /** Asserts that the two indexes say the same of every slot and granule. */
    static void assertSameIndex(CacheIndex expected, CacheIndex actual, String where) {
        assertEquals(expected.slots(), actual.slots(), where + ": slots");
        assertEquals(expected.granulesPerSlot(), actual.granulesPerSlot(), where + ": granules per slot");
        for (int slot = 0; slot < expected.slots(); slot++) {
            String at = where + ": slot " + slot;
            assertEquals(expected.blockOf(slot), actual.blockOf(slot), at + " block");
            if (expected.blockOf(slot) >= 0) {
                assertEquals(slot, actual.slotOf(expected.blockOf(slot)), at + " slotOf");
            }
            assertEquals(expected.lastWrite(slot), actual.lastWrite(slot), at + " last write");
            assertEquals(expected.oldestDirtySequence(slot), actual.oldestDirtySequence(slot), at + " oldest dirty");
            assertEquals(expected.allValid(slot), actual.allValid(slot), at + " all valid");
            assertEquals(expected.anyDirty(slot), actual.anyDirty(slot), at + " any dirty");
            for (int g = 0; g < expected.granulesPerSlot(); g++) {
                assertEquals(expected.state(slot, g), actual.state(slot, g), at + " granule " + g + " state");
                assertEquals(expected.crc(slot, g), actual.crc(slot, g), at + " granule " + g + " crc");
            }
        }
        assertEquals(expected.dirtySlots(), actual.dirtySlots(), where + ": dirty slots");
        assertEquals(expected.dirtyGranules(), actual.dirtyGranules(), where + ": dirty granules");
        assertArrayEquals(expected.dirtySlotsInOrder(), actual.dirtySlotsInOrder(), where + ": dirty order");
    }
}
