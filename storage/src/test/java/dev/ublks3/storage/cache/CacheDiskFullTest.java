package dev.ublks3.storage.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.storage.ObjectMap;
import dev.ublks3.storage.layer.Scheduler;
import dev.ublks3.storage.testing.MemoryObjectStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cache on a file system that fills up (a tmpfs of a few MiB, mounted for the test: it needs root, as CI runs):
 * a write the cache cannot store fails and is never acknowledged, every write acknowledged before reads back as
 * written, and a drain still uploads them all.
 */
class CacheDiskFullTest {

    private static final int OS = 64 << 10;
    private static final long SIZE = 64L << 20;
    private static final String KEY = "vol";
    private static final long CACHE_BYTES = 4L << 20; // the preallocated data file; the WAL gets what is left

    @TempDir
    Path tmp;

    private Path mount;
    private final MemoryObjectStore memory = new MemoryObjectStore();
    private CachedBlockDevice device;

    @BeforeEach
    void mountSmallTmpfs() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        mount = Files.createDirectory(tmp.resolve("small"));
        // the data file, its header and snapshots, and 1 MiB for the WAL
        run(
                "mount",
                "-t",
                "tmpfs",
                "-o",
                "size=" + ((CACHE_BYTES >> 10) + 1024 + 256) + "k",
                "tmpfs",
                mount.toString());
    }

    @AfterEach
    void unmount() throws Exception {
        if (device != null) {
            device.close();
        }
        if (mount != null) {
            run("umount", "-l", mount.toString());
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        Assumptions.assumeTrue(p.waitFor() == 0, String.join(" ", command) + ": " + out);
    }

    /** The k-th write's offset: every 4 KiB of the first 4 MiB once, in an order with no sequential runs. */
    private static long offset(int k) {
        return (k * 17L % 1024) * 4096;
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    @Disabled("a known bug, docs/cache.md 'Known gaps': once the WAL cannot take the Clean record of an upload, the"
            + " object stays dirty and is uploaded again and again, and the drain never completes (60 s timeout)")
    void aWriteTheFullDiskCannotHoldFailsAndEveryAcknowledgedOneStays() throws IOException {
        CacheOptions options = CacheOptions.of(mount.resolve("cache"), CACHE_BYTES, CacheMode.WRITEBACK)
                .withQuietTime(Duration.ofDays(1))
                .withMaxAge(Duration.ofDays(1));
        device = CachedBlockDevice.open(
                new ObjectMap(memory, KEY, SIZE, OS),
                new CacheIdentity("memory bucket", KEY, OS),
                options,
                Scheduler.system(),
                line -> {});
        List<byte[]> acknowledged = new ArrayList<>();
        CompletionException failed = null;
        // 4 KiB writes over the first 4 MiB, not in sequence; the WAL fills up long before the dirty cap (2 MiB)
        for (int k = 0; k < 1024 && failed == null; k++) {
            byte[] data = random(4096, k);
            try {
                device.write(offset(k), ByteBuffer.wrap(data), false).join();
                acknowledged.add(data);
            } catch (CompletionException e) {
                failed = e;
            }
        }
        assertTrue(failed != null, "a 1 MiB WAL never filled up after " + acknowledged.size() + " writes of 4 KiB");
        assertTrue(acknowledged.size() > 16, "only " + acknowledged.size() + " writes fit before the disk was full");
        String why = String.valueOf(failed.getCause());
        assertTrue(why.contains("No space left on device"), "the failure names the full disk: " + why);

        // every acknowledged write reads back as written, from the cache
        for (int k = 0; k < acknowledged.size(); k++) {
            ByteBuffer into = ByteBuffer.allocate(4096);
            device.read(offset(k), into).join();
            assertArrayEquals(acknowledged.get(k), into.array(), "write " + k + " read back");
        }
        // a FLUSH covers what was acknowledged (or fails: it never claims more than it holds)
        device.flush().join();
        // and a drain uploads it all, one object each
        device.drain().done().orTimeout(60, TimeUnit.SECONDS).join();
        for (int k = 0; k < acknowledged.size(); k++) {
            long at = offset(k);
            byte[] object = memory.object(KEY + "/" + String.format("%016x", at / OS));
            assertTrue(object != null, "object " + at / OS + " uploaded");
            byte[] part = new byte[4096];
            System.arraycopy(object, (int) (at % OS), part, 0, 4096);
            assertArrayEquals(acknowledged.get(k), part, "write " + k + " in the store");
        }
        // the failed write was not half-stored: it reads as the store has it (never written: zeros)
        ByteBuffer into = ByteBuffer.allocate(4096);
        device.read(offset(acknowledged.size()), into).join();
        assertArrayEquals(new byte[4096], into.array(), "the write that failed is not there");
    }
}
