package dev.ublks3.storage.cache;

/**
 * Tuning of a {@link CacheLog}.
 *
 * @param walLimitBytes the WAL size past which a checkpoint starts in the background; recovery reads at most about
 *        this much (plus what was appended while the checkpoint ran)
 */
public record CacheLogOptions(long walLimitBytes) {

    public static final CacheLogOptions DEFAULT = new CacheLogOptions(64L << 20);

    public CacheLogOptions {
        if (walLimitBytes < 1) {
            throw new IllegalArgumentException("cache WAL limit " + walLimitBytes + " bytes: give at least 1 byte");
        }
    }
}
