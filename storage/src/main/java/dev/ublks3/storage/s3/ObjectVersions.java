package dev.ublks3.storage.s3;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The version of each object this store saw last, for the objects used lately: its ETag (from this store's own PUT,
 * a GET, a HEAD or a LIST) or that it is absent (this store deleted it, or a GET found nothing). A PUT or DELETE is
 * made conditional on it ({@code If-Match: ETAG}, {@code If-None-Match: *}), so a write that arrives late from a
 * dead server, conditional on what that server saw, cannot replace a newer one. Objects not held (never seen, or
 * evicted, least recently used first) are unknown: their writes are unconditional.
 *
 * <p>A read may run beside a write of its object and answer with the version before it: what a read saw is kept
 * only if no write of the key started after the read did ({@link #stamp()}), so it never replaces what a newer
 * write left.
 */
final class ObjectVersions {

    /** About 200 bytes each: 64K keys are 12 MiB, 8 GiB of 128 KiB objects. */
    static final int DEFAULT_MAX_KEYS = 1 << 16;

    /** What a write of the key is conditional on. */
    sealed interface Seen permits Seen.Version, Seen.Absent {
        /** The object exists with this ETag (quoted as the store gave it). */
        record Version(String eTag) implements Seen {}

        /** The object does not exist. */
        record Absent() implements Seen {}
    }

    static final Seen ABSENT = new Seen.Absent();

    /** {@code seen} null: unknown. {@code writeStamp}: when the last write of the key started. */
    private record Known(Seen seen, long writeStamp) {}

    private final int maxKeys;
    private final LinkedHashMap<String, Known> entries;
    private long clock; // guarded by this

    ObjectVersions(int maxKeys) {
        this.maxKeys = maxKeys;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Known> eldest) {
                return size() > ObjectVersions.this.maxKeys;
            }
        };
    }

    /** A point in time, taken when a read starts, for {@link #read}. */
    synchronized long stamp() {
        return ++clock;
    }

    /** What was seen last of {@code key}, or null when unknown. */
    synchronized Seen get(String key) {
        Known entry = entries.get(key);
        return entry == null ? null : entry.seen();
    }

    /** A write of {@code key} starts: until it ends the key is unknown, and reads started before it do not count. */
    synchronized void writeStarts(String key) {
        if (maxKeys > 0) {
            entries.put(key, new Known(null, ++clock));
        }
    }

    /** A write of {@code key} ended with {@code seen} (null: its outcome is unknown). */
    synchronized void written(String key, Seen seen) {
        if (maxKeys > 0) {
            entries.put(key, new Known(seen, ++clock));
        }
    }

    /** A read, started at {@code stamp}, saw {@code seen}: kept unless a write of the key started since. */
    synchronized void read(String key, Seen seen, long stamp) {
        if (maxKeys == 0) {
            return;
        }
        Known entry = entries.get(key);
        if (entry == null && seen == null) {
            return;
        }
        if (entry == null || entry.writeStamp() < stamp) {
            entries.put(key, new Known(seen, entry == null ? 0 : entry.writeStamp()));
        }
    }

    /** {@code eTag} as a version, or null (unknown) when the store gave none. */
    static Seen version(String eTag) {
        return eTag == null || eTag.isEmpty() ? null : new Seen.Version(eTag);
    }

    synchronized int size() {
        return entries.size();
    }
}
