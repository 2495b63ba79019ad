package dev.ublks3.tools;

import dev.ublks3.storage.cache.CacheIdentity;
import dev.ublks3.storage.cache.CacheMode;
import dev.ublks3.storage.cache.CacheOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The persistent cache a device is served with: {@code add --cache DIR [--cache-size SIZE] [--cache-mode MODE]}
 * (config words {@code cache}, {@code cache-size}, {@code cache-mode}). The device record keeps it, so that
 * {@code recover} and the supervisor reopen the same cache, which then uploads what the dead server left.
 *
 * @param dir   the cache directory, absolute: the server may run in another working directory than add did
 * @param bytes what the cache may hold
 * @param mode  what a write waits for
 */
record CacheSettings(Path dir, long bytes, CacheMode mode) {

    /** Fewer slots than this leave too little for the segmented LRU and the dirty cap (half the cache). */
    static final int MIN_OBJECTS = 16;

    /**
     * The cache {@code o} asks for (each value already checked on its own), for objects of {@code objectSize};
     * null without {@code --cache}.
     */
    static CacheSettings of(Map<String, String> o, long objectSize) {
        if (!o.containsKey("cache")) {
            for (String dependent : List.of("cache-size", "cache-mode")) {
                if (o.containsKey(dependent)) {
                    throw new UsageException("--" + dependent + " has no use without --cache: give --cache DIR too, or"
                            + " leave --" + dependent + " out");
                }
            }
            return null;
        }
        long bytes = o.containsKey("cache-size") ? size(o.get("cache-size")) : CacheOptions.DEFAULT_BYTES;
        long least = MIN_OBJECTS * objectSize;
        if (bytes < least) {
            throw new UsageException("--cache-size " + Sizes.format(bytes) + " is less than " + MIN_OBJECTS
                    + " objects of " + Sizes.format(objectSize) + ": give at least " + Sizes.format(least)
                    + ", such as --cache-size " + Sizes.format(Math.max(least, CacheOptions.DEFAULT_BYTES))
                    + (least <= CacheOptions.DEFAULT_BYTES ? " (the default)" : ""));
        }
        CacheMode mode = o.containsKey("cache-mode") ? mode(o.get("cache-mode")) : CacheOptions.DEFAULT_MODE;
        return new CacheSettings(Path.of(o.get("cache").trim()).toAbsolutePath().normalize(), bytes, mode);
    }

    static void checkDir(String text) {
        if (text.isBlank()) {
            throw new UsageException("--cache is empty: give a directory on a local disk for the cache, e.g. --cache"
                    + " /var/cache/ublk-s3/disk0");
        }
    }

    static long size(String text) {
        return Sizes.parse("--cache-size", text);
    }

    static CacheMode mode(String text) {
        CacheMode mode = CacheMode.of(text.trim().toLowerCase(Locale.ROOT));
        if (mode == null) {
            throw new UsageException("--cache-mode '" + text + "' is not a cache mode: use writeback (the default),"
                    + " writethrough or read");
        }
        return mode;
    }

    /**
     * Like --local's check, before anything is made: a missing directory is refused rather than made, since a cache
     * disk that is not mounted would otherwise get an empty cache in its mount point's place, the device would serve
     * the store's older copies of what the real one holds dirty, and that would never be uploaded.
     */
    void checkDirectory() {
        if (!Files.isDirectory(dir)) {
            throw new UsageException("--cache " + dir + " is not a directory: for a new cache, create it (mkdir -p "
                    + dir + ") on a local disk; for an existing one, mount its disk");
        }
        if (!Files.isWritable(dir)) {
            throw new UsageException(
                    "--cache " + dir + " is not writable: fix its permissions or give another" + " directory");
        }
    }

    /** Whether {@code other} is the same directory (through links too). */
    boolean sameDir(Path other) {
        try {
            return Files.isSameFile(dir, other);
        } catch (IOException e) {
            return dir.equals(other.toAbsolutePath().normalize());
        }
    }

    /**
     * The storage layer's options: a cache larger than the device holds no more than the device, so it is made the
     * device's size (its data file would otherwise take disk space no object ever fills).
     */
    CacheOptions options(long deviceSize) {
        return CacheOptions.of(dir, Math.min(bytes, deviceSize), mode);
    }

    /**
     * Whose cache it is: the store as the endpoint (the {@code --local} folder, whose port changes at every start)
     * and the bucket, the key and the object size. A cache of another identity is never applied.
     */
    static CacheIdentity identity(AddOptions o, String endpoint) {
        String store = o.localDir() != null ? realPath(o.localDir()) : endpoint;
        return new CacheIdentity(store + " " + o.bucket(), o.key(), Math.toIntExact(o.objectSize()));
    }

    private static String realPath(Path p) {
        try {
            return p.toRealPath().toString();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize().toString();
        }
    }

    /** The add arguments that give this cache again. */
    List<String> addArguments() {
        return List.of("--cache", dir.toString(), "--cache-size", Long.toString(bytes), "--cache-mode", mode.word());
    }

    /** One line for the server's log. */
    String describe() {
        return "cache " + dir + " (" + Sizes.format(bytes) + ", " + mode.word() + ")";
    }

    void write(Properties p) {
        p.setProperty("cache", dir.toString());
        p.setProperty("cache-size", Long.toString(bytes));
        p.setProperty("cache-mode", mode.word());
    }

    /** The record's cache; null when it has none (a device without a cache, or a record from before caches). */
    static CacheSettings read(Properties p) {
        String dir = p.getProperty("cache");
        if (dir == null) {
            return null;
        }
        CacheMode mode = CacheMode.of(p.getProperty("cache-mode", ""));
        if (mode == null) {
            throw new IllegalArgumentException("cache-mode '" + p.getProperty("cache-mode") + "'");
        }
        return new CacheSettings(Path.of(dir), Long.parseLong(p.getProperty("cache-size")), mode);
    }
}
