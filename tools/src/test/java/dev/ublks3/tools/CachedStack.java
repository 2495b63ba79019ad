package dev.ublks3.tools;

import dev.ublks3.locals3.FaultPlan;
import dev.ublks3.locals3.LocalS3Server;
import dev.ublks3.locals3.ServerOptions;
import dev.ublks3.storage.ObjectStore.ReadOutcome;
import dev.ublks3.storage.StorageStack;
import dev.ublks3.storage.cache.CacheIdentity;
import dev.ublks3.storage.cache.CacheMode;
import dev.ublks3.storage.cache.CacheOptions;
import dev.ublks3.storage.cache.CachedBlockDevice;
import dev.ublks3.storage.layer.RetryPolicy;
import dev.ublks3.storage.s3.S3ObjectStore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A storage stack with a writeback cache over a bucket of a real S3-compatible server on 127.0.0.1 (in memory, with
 * a fault layer so that a test can switch it down). Uploads wait for a drain: the quiet time and age are a day.
 */
final class CachedStack implements AutoCloseable {

    static final int OBJECT = 64 << 10;
    static final String KEY = "vol";
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static volatile LocalS3Server server;

    private final String bucket;
    private final StorageStack stack;

    /** The shared server, started on first use (about a second), stopped when the JVM ends. */
    static synchronized LocalS3Server server() {
        if (server == null) {
            server = LocalS3Server.inMemory(0, ServerOptions.NONE.withFaults(FaultPlan.NONE));
            LocalS3Server started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "local-s3-stop"));
        }
        return server;
    }

    CachedStack(Path cacheDir, Duration retryTime) {
        bucket = "cached-" + BUCKETS.incrementAndGet();
        server().createBucket(bucket);
        S3ObjectStore store = S3ObjectStore.open(LocalS3Config.of(server(), bucket), OBJECT);
        stack = StorageStack.open(
                store,
                new StorageStack.Options(KEY, 64L * OBJECT, OBJECT).withRetry(RetryPolicy.forTime(retryTime)),
                new StorageStack.CacheSetup(
                        CacheOptions.of(cacheDir, 32L * OBJECT, CacheMode.WRITEBACK)
                                .withQuietTime(Duration.ofDays(1))
                                .withMaxAge(Duration.ofDays(1)),
                        new CacheIdentity(server().endpoint() + " " + bucket, KEY, OBJECT),
                        line -> {}));
    }

    CachedBlockDevice cache() {
        return stack.cache().orElseThrow();
    }

    /** Writes 4 KiB of random bytes at the start of each of the first {@code objects} objects; returns them. */
    byte[][] writeObjects(int objects, long seed) {
        byte[][] written = new byte[objects][];
        Random random = new Random(seed);
        for (int i = 0; i < objects; i++) {
            written[i] = new byte[4096];
            random.nextBytes(written[i]);
            stack.device()
                    .write((long) i * OBJECT, ByteBuffer.wrap(written[i]), false)
                    .join();
        }
        return written;
    }

    /** The first 4 KiB of object {@code block} in the store, or null when the store has no such object. */
    byte[] stored(long block) {
        try (S3ObjectStore store = S3ObjectStore.open(LocalS3Config.of(server(), bucket), OBJECT)) {
            ByteBuffer into = ByteBuffer.allocate(4096);
            ReadOutcome outcome = store.get(KEY + "/" + String.format("%016x", block), 0, into)
                    .join();
            return outcome == ReadOutcome.FOUND ? into.array() : null;
        }
    }

    @Override
    public void close() {
        stack.close();
    }
}
