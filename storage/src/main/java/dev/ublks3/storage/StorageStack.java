package dev.ublks3.storage;

import dev.ublks3.storage.cache.CacheIdentity;
import dev.ublks3.storage.cache.CacheOptions;
import dev.ublks3.storage.cache.CachedBlockDevice;
import dev.ublks3.storage.layer.DeleteBatchingObjectStore;
import dev.ublks3.storage.layer.RetryObjectStore;
import dev.ublks3.storage.layer.RetryPolicy;
import dev.ublks3.storage.layer.Scheduler;
import dev.ublks3.storage.layer.StatsBlockDevice;
import dev.ublks3.storage.layer.StatsObjectStore;
import dev.ublks3.storage.layer.StorageStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The one place where the storage layers are put together, bottom to top:
 * <pre>
 *   base store -> retry -> stats(store) -> delete batching -> ObjectMap [-> cache] -> stats(block) = {@link #device()}
 * </pre>
 * Stats sit above retry, so their latencies are what the object map waits for; retries are read from the retry
 * layer. A slow link is emulated at the S3 server ({@code LocalS3Server}), never in this stack.
 *
 * <pre>{@code
 * try (StorageStack stack = StorageStack.open(s3, new StorageStack.Options("disk1", 1L << 40, 1 << 20))) {
 *     stack.device().write(0, data, false).join();
 *     System.out.print(stack.stats().toText());
 * }
 * }</pre>
 */
public final class StorageStack implements AutoCloseable {

    /**
     * What to build: the device geometry (checked here, with the object map's messages), how to retry, the
     * scheduler the retry layer waits on (tests pass a manual one; its clock also times the stats), and what the
     * object map may spend on partial writes.
     */
    public record Options(
            String key, long size, int objectSize, RetryPolicy retry, Scheduler scheduler, ObjectMapOptions objectMap) {

        public Options {
            ObjectMap.validate(key, size, objectSize);
            Objects.requireNonNull(retry, "retry");
            Objects.requireNonNull(scheduler, "scheduler");
            Objects.requireNonNull(objectMap, "objectMap");
        }

        /** Default retries ({@link RetryPolicy#DEFAULT}, 60 s), real time, default object map. */
        public Options(String key, long size, int objectSize) {
            this(key, size, objectSize, RetryPolicy.DEFAULT, Scheduler.system(), ObjectMapOptions.DEFAULT);
        }

        public Options withRetry(RetryPolicy retry) {
            return new Options(key, size, objectSize, retry, scheduler, objectMap);
        }

        public Options withScheduler(Scheduler scheduler) {
            return new Options(key, size, objectSize, retry, scheduler, objectMap);
        }

        public Options withObjectMap(ObjectMapOptions objectMap) {
            return new Options(key, size, objectSize, retry, scheduler, objectMap);
        }
    }

    private final RetryObjectStore retry;
    private final StatsObjectStore storeStats;
    private final ObjectMap objectMap;
    private final CachedBlockDevice cache;
    private final StatsBlockDevice device;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * A persistent cache to put between the object map and the top of the stack: its settings, whose cache it is
     * (a cache of another identity is not applied), and where its few log lines go.
     */
    public record CacheSetup(CacheOptions options, CacheIdentity identity, Consumer<String> log) {
        public CacheSetup {
            Objects.requireNonNull(options, "options");
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(log, "log");
        }
    }

    private StorageStack(ObjectStore base, Options options, CacheSetup cacheSetup) {
        Scheduler scheduler = options.scheduler();
        retry = new RetryObjectStore(base, options.retry(), scheduler);
        storeStats = new StatsObjectStore(retry, retry::retries, scheduler::nanoTime);
        objectMap = new ObjectMap(
                new DeleteBatchingObjectStore(storeStats),
                options.key(),
                options.size(),
                options.objectSize(),
                options.objectMap());
        BlockDevice top = objectMap;
        if (cacheSetup != null) {
            try {
                cache = CachedBlockDevice.open(
                        objectMap, cacheSetup.identity(), cacheSetup.options(), scheduler, cacheSetup.log());
            } catch (IOException e) {
                objectMap.close();
                throw new UncheckedIOException(e);
            }
            top = cache;
        } else {
            cache = null;
        }
        device = new StatsBlockDevice(top, scheduler::nanoTime);
    }

    /** Builds the stack over {@code base}; opening sends no request. The stack owns {@code base} from now on. */
    public static StorageStack open(ObjectStore base, Options options) {
        return new StorageStack(Objects.requireNonNull(base, "base"), options, null);
    }

    /**
     * The same with a persistent cache on top of the object map. Opening the cache replays what a crash left in it;
     * a cache that cannot be used fails with an {@link UncheckedIOException} around a one-line
     * {@link dev.ublks3.storage.cache.CacheException} (and closes {@code base}).
     */
    public static StorageStack open(ObjectStore base, Options options, CacheSetup cache) {
        return new StorageStack(Objects.requireNonNull(base, "base"), options, Objects.requireNonNull(cache, "cache"));
    }

    /** The cache under the device, if the stack has one. */
    public Optional<CachedBlockDevice> cache() {
        return Optional.ofNullable(cache);
    }

    /** The top of the stack: what the ublk target reads and writes. */
    public BlockDevice device() {
        return device;
    }

    /** The object map inside (for its key names and counters). */
    public ObjectMap objectMap() {
        return objectMap;
    }

    /** Every counter of the stack, now. */
    public StorageStats stats() {
        return StorageStats.of(
                device,
                storeStats,
                () -> new StorageStats.PartialWrites(
                        objectMap.readModifyWriteCycles(),
                        objectMap.partialWritesPatchedInMemory(),
                        objectMap.partialWritesOfAbsentObjects()));
    }

    /** Closes every layer down to the base store, once. Callers wait for their calls to complete first. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            device.close();
        }
    }
}
