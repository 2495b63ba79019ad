package dev.ublks3.storage.cache;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * How long opening a cache takes after a crash with a full WAL: 160k slots of 64 KiB objects (10 GiB, sparse),
 * 64 MiB of WAL of 4 KiB writes to random slots, then an open (snapshot, replay, restore check, checkpoint).
 * Run by hand: {@code java -cp storage/target/classes:storage/target/test-classes
 * dev.ublks3.storage.cache.CacheRecoveryTiming DIR} (DIR must not exist). Not a test: it asserts nothing.
 */
public final class CacheRecoveryTiming {

    private static final int SLOTS = 160_000;
    private static final long WAL = 64L << 20;

    private CacheRecoveryTiming() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        if (Files.exists(dir)) {
            throw new IllegalArgumentException(dir + " exists: give a new directory");
        }
        CacheIdentity identity = new CacheIdentity("http://127.0.0.1:9000 bucket", "disk", 64 << 10);
        CacheLogOptions noCheckpoint = new CacheLogOptions(1L << 40);
        CacheLog log = CacheLog.open(dir, identity, SLOTS, System.out::println, noCheckpoint);
        Random random = new Random(1);
        byte[] granule = new byte[4096];
        long records = 0;
        while (log.walBytes() < WAL) {
            int slot = random.nextInt(SLOTS);
            if (log.index().blockOf(slot) < 0) {
                log.assign(slot, slot);
                records++;
            }
            random.nextBytes(granule);
            log.write(slot, random.nextInt(16), ByteBuffer.wrap(granule));
            records++;
        }
        log.sync();
        log.abandon();
        System.out.printf("WAL of %d bytes, %d records; opening%n", Files.size(newestWal(dir)), records);
        long start = System.nanoTime();
        CacheLog reopened = CacheLog.open(dir, identity, SLOTS, System.out::println, noCheckpoint);
        long opened = System.nanoTime();
        System.out.printf(
                "open took %.0f ms (%d dirty slots)%n",
                (opened - start) / 1e6, reopened.index().dirtySlots());
        reopened.close();
    }

    private static Path newestWal(Path dir) throws java.io.IOException {
        long n = new CacheFiles(dir)
                .walNumbers().stream().mapToLong(x -> x).max().orElseThrow();
        return new CacheFiles(dir).wal(n);
    }
}
