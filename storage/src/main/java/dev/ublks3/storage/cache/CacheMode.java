package dev.ublks3.storage.cache;

import java.util.Locale;

/** What a write waits for, and so what a crash can cost: see docs/cache.md. */
public enum CacheMode {
    /** A write completes once in the cache; FLUSH syncs the cache; uploads run in the background. */
    WRITEBACK,
    /** A write completes once in the store, and is kept in the cache for reads. */
    WRITETHROUGH,
    /** A write completes once in the store; the cache keeps only what was read. */
    READ;

    /** The option's word: writeback, writethrough, read. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode named by {@code word}; null when none is. */
    public static CacheMode of(String word) {
        for (CacheMode mode : values()) {
            if (mode.word().equals(word)) {
                return mode;
            }
        }
        return null;
    }
}
