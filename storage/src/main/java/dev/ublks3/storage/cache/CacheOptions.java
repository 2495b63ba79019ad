package dev.ublks3.storage.cache;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A device's cache: where, how large, which mode, and the writeback limits.
 *
 * @param dir              the cache directory (one device's own, locked while served)
 * @param bytes            the data the cache holds (whole objects: rounded down to a multiple of the object size)
 * @param mode             what a write waits for
 * @param dirtyBytes       the most unuploaded data: writers that need more wait for uploads (never fail)
 * @param quietTime        a dirty object is uploaded once it has not been written for this long...
 * @param maxAge           ...or once its oldest unuploaded write is this old, however often it is written
 * @param uploads          uploads in flight at once
 * @param sequentialCutoff I/O that continues a sequential run past this many bytes is streaming (see SequentialRuns)
 */
public record CacheOptions(
        Path dir,
        long bytes,
        CacheMode mode,
        long dirtyBytes,
        Duration quietTime,
        Duration maxAge,
        int uploads,
        long sequentialCutoff) {

    public static final CacheMode DEFAULT_MODE = CacheMode.WRITEBACK;
    public static final long DEFAULT_BYTES = 1L << 30;
    public static final Duration DEFAULT_QUIET_TIME = Duration.ofSeconds(2);
    public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(30);
    public static final int DEFAULT_UPLOADS = 16;
    public static final long DEFAULT_SEQUENTIAL_CUTOFF = 4L << 20;

    public CacheOptions {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(mode, "mode");
        if (bytes <= 0 || dirtyBytes <= 0 || dirtyBytes > bytes) {
            throw new IllegalArgumentException(
                    "cache: need 0 < dirty bytes (" + dirtyBytes + ") <= cache bytes (" + bytes + ")");
        }
        if (quietTime.isNegative() || maxAge.isNegative() || uploads < 1 || sequentialCutoff < 0) {
            throw new IllegalArgumentException(
                    "cache: quiet time, age and cutoff must not be negative, uploads at least 1");
        }
    }

    /** The defaults for {@code bytes} of cache in {@code dir}: half of it may be dirty. */
    public static CacheOptions of(Path dir, long bytes, CacheMode mode) {
        return new CacheOptions(
                dir,
                bytes,
                mode,
                bytes / 2,
                DEFAULT_QUIET_TIME,
                DEFAULT_MAX_AGE,
                DEFAULT_UPLOADS,
                DEFAULT_SEQUENTIAL_CUTOFF);
    }

    public CacheOptions withDirtyBytes(long bytes) {
        return new CacheOptions(dir, this.bytes, mode, bytes, quietTime, maxAge, uploads, sequentialCutoff);
    }

    public CacheOptions withQuietTime(Duration quiet) {
        return new CacheOptions(dir, bytes, mode, dirtyBytes, quiet, maxAge, uploads, sequentialCutoff);
    }

    public CacheOptions withMaxAge(Duration age) {
        return new CacheOptions(dir, bytes, mode, dirtyBytes, quietTime, age, uploads, sequentialCutoff);
    }

    public CacheOptions withUploads(int n) {
        return new CacheOptions(dir, bytes, mode, dirtyBytes, quietTime, maxAge, n, sequentialCutoff);
    }

    public CacheOptions withSequentialCutoff(long cutoff) {
        return new CacheOptions(dir, bytes, mode, dirtyBytes, quietTime, maxAge, uploads, cutoff);
    }

    /** The slots for objects of {@code objectSize}. */
    int slots(int objectSize) {
        return (int) Math.min(Integer.MAX_VALUE - 8, bytes / objectSize);
    }
}
