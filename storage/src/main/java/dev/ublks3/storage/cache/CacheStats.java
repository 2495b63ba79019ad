package dev.ublks3.storage.cache;

import java.time.Duration;
import java.util.Locale;

/**
 * A cache's counters at one moment.
 *
 * @param dirtyBytes      written by the device and not yet in the store (whole granules)
 * @param dirtyObjects    objects with dirty bytes: one PUT each to make the store whole
 * @param oldestDirty     how long the oldest dirty object has waited (zero when none)
 * @param hits            reads served from the cache alone
 * @param misses          reads that needed the store
 * @param uploads         objects uploaded
 * @param uploadedBytes   bytes uploaded (whole objects)
 * @param uploadFailures  uploads that failed (kept dirty, tried again)
 * @param syncs           local syncs of the write-ahead log
 * @param diskErrors      reads, writes and syncs of the cache's own files that failed (a full or failing disk: the
 *                        log says which)
 * @param cachedObjects   slots in use
 * @param slots           slots in all
 */
public record CacheStats(
        CacheMode mode,
        long dirtyBytes,
        int dirtyObjects,
        Duration oldestDirty,
        long hits,
        long misses,
        long uploads,
        long uploadedBytes,
        long uploadFailures,
        long syncs,
        long diskErrors,
        int cachedObjects,
        int slots) {

    /** One line, for {@code ublk-s3 stats} and {@code list}. */
    public String toText() {
        return String.format(
                Locale.ROOT,
                "cache: %s, %d of %d objects cached, dirty %d objects (%d bytes), oldest dirty "
                        + "%.1f s, hits %d, misses %d, uploads %d (%d bytes), upload failures %d, local syncs %d, "
                        + "cache disk errors %d",
                values(oldestDirty.toMillis() / 1000.0));
    }

    /** The same as a JSON object; field names are stable. */
    public String toJson() {
        return String.format(
                Locale.ROOT,
                "{\"mode\": \"%s\", \"cached_objects\": %d, \"slots\": %d, "
                        + "\"dirty_objects\": %d, \"dirty_bytes\": %d, \"oldest_dirty_ms\": %d, \"hits\": %d, "
                        + "\"misses\": %d, \"uploads\": %d, \"uploaded_bytes\": %d, \"upload_failures\": %d, "
                        + "\"syncs\": %d, \"disk_errors\": %d}",
                values(oldestDirty.toMillis()));
    }

    /** What both forms show, in their order; {@code oldest} is {@link #oldestDirty} in the form's unit. */
    private Object[] values(Object oldest) {
        return new Object[] {
            mode.word(),
            cachedObjects,
            slots,
            dirtyObjects,
            dirtyBytes,
            oldest,
            hits,
            misses,
            uploads,
            uploadedBytes,
            uploadFailures,
            syncs,
            diskErrors
        };
    }
}
