package dev.ublks3.storage.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the device's objects split into granules, and the cache's granules as the device layer sees them: each
 * state read under the cache lock, runs of one state, checked reads of dirty granules, and what a damaged granule
 * is called. Callers hold the slot and run in its object's order, so a state they read stays true until they are
 * done, but for an upload's Clean: it turns dirty granules clean, never invalid.
 */
final class Granules {

    // the cache layer logs under one name, whichever part of it speaks
    private static final Logger LOG = LoggerFactory.getLogger(CachedBlockDevice.class);

    final int objectSize;
    /** Bytes in a granule. */
    final int size;

    final int perObject;
    /** log2 of the object size: block = offset >>> shift. */
    final int shift;

    private final CacheLog log;
    private final Path dir;

    Granules(CacheLog log, int objectSize, Path dir) {
        this.log = log;
        this.objectSize = objectSize;
        this.size = log.granule();
        this.perObject = objectSize / size;
        this.shift = Integer.numberOfTrailingZeros(objectSize);
        this.dir = dir;
    }

    /** The granules bytes {@code 0..bytes} of an object touch. */
    int covering(int bytes) {
        return (bytes + size - 1) / size;
    }

    /** The device offset of granule {@code g} of {@code block}. */
    long offset(long block, int g) {
        return (block << shift) + (long) g * size;
    }

    GranuleState state(int slot, int g) {
        log.lock().lock();
        try {
            return log.index().state(slot, g);
        } finally {
            log.lock().unlock();
        }
    }

    /** Under the cache lock: true when no granule of {@code g0..gEnd} is invalid. */
    boolean allValid(int slot, int g0, int gEnd) {
        for (int g = g0; g < gEnd; g++) {
            if (log.index().state(slot, g) == GranuleState.INVALID) {
                return false;
            }
        }
        return true;
    }

    /** The end of the run of {@code state} granules from {@code g}, at most {@code limit}. */
    int runEnd(int slot, int g, int limit, GranuleState state) {
        int end = g;
        while (end < limit && state(slot, end) == state) {
            end++;
        }
        return end;
    }

    /** Calls {@code action} for each run of {@code state} granules in {@code from..to}, in order. */
    void forEachRun(int slot, int from, int to, GranuleState state, RunAction action) throws IOException {
        for (int g = from; g < to; ) {
            if (state(slot, g) != state) {
                g++;
                continue;
            }
            int end = runEnd(slot, g, to, state);
            action.run(g, end);
            g = end;
        }
    }

    @FunctionalInterface
    interface RunAction {
        void run(int first, int end) throws IOException;
    }

    /** Reads dirty granules ({@code into} as for {@link CacheLog#read}): one that fails its check fails the I/O. */
    void readDirty(long block, int slot, int first, ByteBuffer into) throws IOException {
        int bad = log.read(slot, first, into);
        if (bad >= 0) {
            throw damagedDirty(block, bad);
        }
    }

    /** A clean granule failed its check: said, and read from the store instead. */
    void damaged(long block, int g) {
        LOG.warn(
                "cache {}: object {} granule {} does not match its CRC32C: read from the store instead", dir, block, g);
    }

    /** A dirty granule failed its check: the only current copy is damaged, so the I/O fails. */
    UncheckedIOException damagedDirty(long block, int g) {
        return new UncheckedIOException(new IOException("cache " + dir + ": object " + block + " granule " + g
                + " (not yet uploaded) does not match its CRC32C: the cache disk returned damaged data"));
    }
}
