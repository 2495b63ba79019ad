package dev.ublks3.tools;

import dev.ublks3.storage.cache.CacheMode;
import dev.ublks3.storage.cache.CacheStats;
import dev.ublks3.storage.cache.CachedBlockDevice;
import dev.ublks3.storage.cache.CachedBlockDevice.DrainProgress;
import dev.ublks3.ublk.UblkPaths;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * What the serving process does with its device's cache on the control socket: {@code sync}, the drain before
 * {@code del}, and the cache's part of {@code stats} and {@code list}. Without a cache each is a no-op.
 */
final class CacheControl {

    /** The control command of {@code ublk-s3 sync}: {@code sync [TIMEOUT]}. */
    static final String SYNC = "sync";
    /** The control command of {@code ublk-s3 list}: one short line about the cache. */
    static final String SUMMARY = "cache-summary";
    /** The longest {@code sync --timeout}. */
    static final Duration MAX_TIMEOUT = Duration.ofHours(168);

    private final CachedBlockDevice cache;
    private final CacheSettings settings;
    private final int devId;
    private final Duration retryTime;
    private final DrainWatch watch;

    /**
     * @param cache     the device's cache, or null
     * @param settings  its settings (null without a cache)
     * @param retryTime how long the store may refuse uploads before a drain for del gives up
     * @param interval  how often a drain tells its progress
     * @param stopping  true once the server stops: a drain then ends
     */
    CacheControl(
            CachedBlockDevice cache,
            CacheSettings settings,
            int devId,
            Duration retryTime,
            Duration interval,
            BooleanSupplier stopping) {
        this.cache = cache;
        this.settings = settings;
        this.devId = devId;
        this.retryTime = retryTime;
        this.watch = cache == null ? null : new DrainWatch(cache, interval, stopping);
    }

    private String path() {
        return UblkPaths.block(devId);
    }

    /** Whether the cache may hold writes the store lacks: writeback, or a cache that another mode left dirty. */
    private boolean mayBeDirty() {
        return cache != null
                && (cache.mode() == CacheMode.WRITEBACK || cache.stats().dirtyObjects() > 0);
    }

    /**
     * {@code sync [TIMEOUT]}: returns once everything dirty at the call is in the store, sending progress lines
     * meanwhile; after TIMEOUT, a one-line error naming what is left.
     */
    void sync(List<String> args, Consumer<String> out) throws InterruptedException {
        if (args.size() > 1) {
            throw new IllegalArgumentException("sync takes at most a timeout, not " + String.join(" ", args));
        }
        Duration timeout = args.isEmpty() ? null : Durations.parse("--timeout", args.get(0), MAX_TIMEOUT);
        if (!mayBeDirty()) {
            out.accept("nothing to sync: " + path()
                    + (cache == null
                            ? " has no cache"
                            : " has a " + cache.mode().word() + " cache")
                    + ", its writes go to the store before they complete");
            return;
        }
        DrainWatch.Outcome outcome = watch.await(timeout, null, p -> out.accept(SyncProgress.line(p)));
        switch (outcome) {
            case DrainWatch.Done d ->
                out.accept("synced: every write " + path() + " completed before the sync is in" + " the store");
            case DrainWatch.TimedOut t ->
                throw new ServeException(left(t.left()) + " still to upload after "
                        + Durations.format(timeout) + " (" + uploadFailures() + "): the store may be unreachable: see"
                        + " 'ublk-s3 stats -n " + devId + "', and run sync again");
            case DrainWatch.Stopped s -> throw stopped(s.left());
            case DrainWatch.Stalled s -> throw new IllegalStateException("a sync has no stall limit");
        }
    }

    /**
     * Before {@code del} stops the device: the drain, with its progress. When nothing could be uploaded for
     * longer than the retry time, refuses, keeping the device and its cache as they are.
     */
    void drainBeforeDel(Consumer<String> out) throws InterruptedException {
        if (!mayBeDirty()) {
            return;
        }
        out.accept("uploading what the cache " + settings.dir() + " holds that the store lacks");
        DrainWatch.Outcome outcome = watch.await(null, retryTime, p -> out.accept(SyncProgress.line(p)));
        switch (outcome) {
            case DrainWatch.Done d -> {}
            case DrainWatch.Stalled s ->
                throw new ServeException(s.left().objects() + " dirty objects could not be"
                        + " uploaded (store unreachable for " + Durations.format(retryTime) + "): fix the store and run"
                        + " del again, or 'ublk-s3 del -n " + devId
                        + " --keep-dirty' to remove the device and keep them"
                        + " in the cache for the next add");
            case DrainWatch.Stopped s -> throw stopped(s.left());
            case DrainWatch.TimedOut t -> throw new IllegalStateException("a drain for del has no deadline");
        }
    }

    /**
     * After the device stopped (the kernel may have written back what it held): the last drain of {@code del}.
     * Returns null when the store has everything, else why not (the data stays in the cache).
     */
    String drainAfterStop(Consumer<String> out) throws InterruptedException {
        if (!mayBeDirty()) {
            return null;
        }
        // the device is stopped: nothing can interrupt this drain but the store
        DrainWatch last = new DrainWatch(cache, Duration.ofSeconds(1), () -> false);
        DrainWatch.Outcome outcome = last.await(null, retryTime, p -> out.accept(SyncProgress.line(p)));
        if (outcome instanceof DrainWatch.Stalled s) {
            return s.left().objects() + " dirty objects written while " + path() + " stopped could not be uploaded"
                    + " (store unreachable for " + Durations.format(retryTime) + "): they stay in the cache "
                    + settings.dir() + ", and the next 'ublk-s3 add' with --cache " + settings.dir() + " uploads them";
        }
        return null;
    }

    /**
     * After a stop without a drain (a signal, {@code del --keep-dirty}): what stays in the cache, or null when the
     * store has everything.
     */
    String keptInCache() {
        if (cache == null) {
            return null;
        }
        CacheStats s = cache.stats();
        if (s.dirtyObjects() == 0) {
            return null;
        }
        return s.dirtyObjects() + " dirty objects (" + SyncProgress.readable(s.dirtyBytes()) + ") stay in the cache "
                + settings.dir() + ", on local disk: the next 'ublk-s3 add' or 'recover' with --cache " + settings.dir()
                + " uploads them";
    }

    private ServeException stopped(DrainProgress left) {
        return new ServeException(path() + " is being removed (a signal, or del --keep-dirty): " + left(left)
                + " stay in the cache " + settings.dir() + " for the next 'ublk-s3 add' with it");
    }

    private static String left(DrainProgress p) {
        return p.objects() + " dirty objects (" + SyncProgress.readable(p.bytes()) + ")";
    }

    private String uploadFailures() {
        long failures = cache.stats().uploadFailures();
        return failures == 0 ? "no upload failed yet" : failures + " uploads failed so far";
    }

    /** The cache's line for {@code stats}, with its newline first; "" without a cache. */
    String statsText() {
        return cache == null ? "" : "\n" + cache.stats().toText();
    }

    /** {@code json} (an object) with a "cache" member added; as it is without a cache. */
    String withStats(String json) {
        if (cache == null) {
            return json;
        }
        int end = json.lastIndexOf('}');
        return json.substring(0, end).stripTrailing() + ",\n  \"cache\": "
                + cache.stats().toJson() + "\n}";
    }

    /** One short line for {@code list}. */
    String summary() {
        return cache == null ? "-" : summary(cache.stats());
    }

    static String summary(CacheStats s) {
        return String.format(
                        Locale.ROOT,
                        "%s, %d dirty (%s, oldest %.1f s), %d hits, %d misses",
                        s.mode().word(),
                        s.dirtyObjects(),
                        SyncProgress.readable(s.dirtyBytes()),
                        s.oldestDirty().toMillis() / 1000.0,
                        s.hits(),
                        s.misses())
                + (s.diskErrors() == 0 ? "" : ", " + s.diskErrors() + " cache disk errors (see the log)");
    }
}
