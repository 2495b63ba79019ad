package dev.ublks3.storage;

import dev.ublks3.storage.layer.DeleteBatchingObjectStore;
import dev.ublks3.storage.layer.RetryObjectStore;
import dev.ublks3.storage.layer.RetryPolicy;
import dev.ublks3.storage.layer.Scheduler;
import dev.ublks3.storage.layer.StatsBlockDevice;
import dev.ublks3.storage.layer.StatsObjectStore;
import dev.ublks3.storage.layer.StorageStats;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one place where the storage layers are put together, bottom to top:
 * <pre>
 *   base store -> retry -> stats(store) -> delete batching -> ObjectMap -> stats(block) = {@link #device()}
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
    public record Options(String key, long size, int objectSize, RetryPolicy retry, Scheduler scheduler,
                          ObjectMapOptions objectMap) {

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
    private final StatsBlockDevice device;
    private final AtomicBoolean closed = new AtomicBoolean();

    private StorageStack(ObjectStore base, Options options) {
        Scheduler scheduler = options.scheduler();
        retry = new RetryObjectStore(base, options.retry(), scheduler);
        storeStats = new StatsObjectStore(retry, retry::retries, scheduler::nanoTime);
        objectMap = new ObjectMap(new DeleteBatchingObjectStore(storeStats), options.key(), options.size(),
                options.objectSize(), options.objectMap());
        device = new StatsBlockDevice(objectMap, scheduler::nanoTime);
    }

    /** Builds the stack over {@code base}; opening sends no request. The stack owns {@code base} from now on. */
    public static StorageStack open(ObjectStore base, Options options) {
        return new StorageStack(Objects.requireNonNull(base, "base"), options);
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
        return StorageStats.of(device, storeStats, () -> new StorageStats.PartialWrites(
                objectMap.readModifyWriteCycles(), objectMap.partialWritesPatchedInMemory(),
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
