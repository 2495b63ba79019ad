package dev.ublks3.storage.cache;

import java.nio.file.Path;

/** Opens the cache in args[0] with the test identity from a second JVM and prints what happened. */
public final class OpenCacheMain {

    private OpenCacheMain() {}

    public static void main(String[] args) throws Exception {
        try (CacheLog _ = CacheLog.open(
                Path.of(args[0]),
                CacheTesting.IDENTITY,
                CacheTesting.SLOTS,
                line -> {},
                CacheTesting.NO_AUTO_CHECKPOINT)) {
            System.out.println("opened");
        } catch (CacheException e) {
            System.out.println(e.getMessage());
        }
    }
}
