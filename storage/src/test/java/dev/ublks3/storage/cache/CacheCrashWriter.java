package dev.ublks3.storage.cache;

import dev.ublks3.locals3.LocalS3Server;
import dev.ublks3.storage.ObjectMap;
import dev.ublks3.storage.layer.Scheduler;
import dev.ublks3.storage.s3.S3Config;
import dev.ublks3.storage.s3.S3ObjectStore;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;

/**
 * The process {@link CacheCrashTest} kills: writes 4 KiB blocks through a writeback cache, one at a time, never
 * flushing, and says on stdout what it is about to write ("issue OFFSET SEED") and what completed ("acked").
 * Arguments: endpoint bucket cacheDir.
 */
public final class CacheCrashWriter {

    static final int OS = 64 << 10;
    static final long SIZE = 4L << 20;
    static final String KEY = "crash";

    private CacheCrashWriter() {}

    public static void main(String[] args) throws Exception {
        S3Config config =
                S3Config.compatible(args[1], URI.create(args[0]), LocalS3Server.IDENTITY, LocalS3Server.CREDENTIAL);
        CachedBlockDevice device = CachedBlockDevice.open(
                new ObjectMap(S3ObjectStore.open(config, OS), KEY, SIZE, OS),
                identity(args[0], args[1]),
                CacheOptions.of(Path.of(args[2]), 2L << 20, CacheMode.WRITEBACK),
                Scheduler.system(),
                line -> {});
        Random random = new Random();
        for (long seed = 1; ; seed++) {
            long offset = (long) random.nextInt((int) (SIZE / 4096)) * 4096;
            System.out.println("issue " + offset + " " + seed);
            System.out.flush();
            device.write(offset, ByteBuffer.wrap(block(seed)), false).join();
            System.out.println("acked " + offset + " " + seed);
            System.out.flush();
        }
    }

    static CacheIdentity identity(String endpoint, String bucket) {
        return new CacheIdentity(endpoint + " " + bucket, KEY, OS);
    }

    static byte[] block(long seed) {
        byte[] b = new byte[4096];
        new Random(seed).nextBytes(b);
        return b;
    }
}
