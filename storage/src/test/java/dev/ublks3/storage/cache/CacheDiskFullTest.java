package dev.ublks3.storage.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.storage.ObjectMap;
import dev.ublks3.storage.layer.Scheduler;
import dev.ublks3.storage.testing.MemoryObjectStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cache on a file system that fills up (a tmpfs of a few MiB, mounted for the test: it needs root, as CI runs).
 * When its own WAL fills the disk, a checkpoint makes room and every write is acknowledged; when another file
 * fills it, a write the cache cannot store fails and is never acknowledged, every write acknowledged before reads
 * back as written, a drain still uploads them all, and writes work again once there is space.
 */
class CacheDiskFullTest {

    private static final int OS = 64 << 10;
    private static final long SIZE = 64L << 20;
    private static final String KEY = "vol";
    private static final long CACHE_BYTES = 4L << 20; // the data file; the WAL gets about 1 MiB besides

    @TempDir
    Path tmp;

    private Path mount;
    private final MemoryObjectStore memory = new MemoryObjectStore();
    private final List<String> said = new CopyOnWriteArrayList<>();
    private CachedBlockDevice device;

    @BeforeEach
    void mountSmallTmpfs() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        mount = Files.createDirectory(tmp.resolve("small"));
        // the data file, its header, snapshots and space reserve, and about 1 MiB for the WAL
        run(
                "mount",
                "-t",
                "tmpfs",
                "-o",
                "size=" + ((CACHE_BYTES >> 10) + 1024 + 256) + "k",
                "tmpfs",
                mount.toString());
        CacheOptions options = CacheOptions.of(mount.resolve("cache"), CACHE_BYTES, CacheMode.WRITEBACK)
                .withQuietTime(Duration.ofDays(1))
                .withMaxAge(Duration.ofDays(1));
        device = CachedBlockDevice.open(
                new ObjectMap(memory, KEY, SIZE, OS),
                new CacheIdentity("memory bucket", KEY, OS),
                options,
                Scheduler.system(),
                said::add);
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

    /** Writes k = from.. until {@code to} or the first failure, adding each acknowledged one; returns the failure. */
    private CompletionException writeUntilFailure(int from, int to, List<byte[]> acknowledged) {
        for (int k = from; k < to; k++) {
            byte[] data = CacheTesting.random(4096, k);
            try {
                device.write(offset(k), ByteBuffer.wrap(data), false).join();
                acknowledged.add(data);
            } catch (CompletionException e) {
                return e;
            }
        }
        return null;
    }

    @Test
    void whenTheWalFillsTheDiskACheckpointMakesRoomAndEveryWriteIsAcknowledged() {
        List<byte[]> acknowledged = new ArrayList<>();
        // 4 MiB of 4 KiB writes: the WAL (its limit is 64 MiB) fills the disk several times over
        CompletionException failed = writeUntilFailure(0, 1024, acknowledged);
        assertTrue(failed == null, "write " + acknowledged.size() + " failed: " + failed);
        assertTrue(
                said.stream().anyMatch(line -> line.contains("checkpoint retired the WAL files to make room")),
                "no checkpoint made room: " + said);
        assertTrue(device.stats().diskErrors() > 0, "the failed appends are counted: " + device.stats());
        assertReadBack(acknowledged);
        device.flush().join();
        device.drain().done().orTimeout(60, TimeUnit.SECONDS).join();
        assertInStore(acknowledged);
    }

    @Test
    void whenAnotherFileFillsTheDiskAWriteFailsAndEveryAcknowledgedOneStays() throws IOException {
        List<byte[]> acknowledged = new ArrayList<>();
        assertTrue(writeUntilFailure(0, 64, acknowledged) == null, "the first 64 writes fit");
        Path filler = mount.resolve("filler");
        fill(filler);
        CompletionException failed = writeUntilFailure(64, 1024, acknowledged);
        assertTrue(failed != null, "the full disk never failed a write (" + acknowledged.size() + " acknowledged)");
        String why = String.valueOf(failed.getCause());
        assertTrue(why.contains("No space left on device"), "the failure names the full disk: " + why);
        assertTrue(
                device.stats().diskErrors() > 0,
                "the failed writes are counted: " + device.stats().toText());

        assertReadBack(acknowledged);
        // a FLUSH covers what was acknowledged
        device.flush().join();
        // and a drain uploads it all, one object each
        device.drain().done().orTimeout(60, TimeUnit.SECONDS).join();
        assertInStore(acknowledged);
        // the failed write was not half-stored: it reads as the store has it (never written: zeros)
        int failedAt = acknowledged.size();
        ByteBuffer into = ByteBuffer.allocate(4096);
        device.read(offset(failedAt), into).join();
        assertArrayEquals(new byte[4096], into.array(), "the write that failed is not there");

        // space again: the device takes writes again
        Files.delete(filler);
        byte[] again = CacheTesting.random(4096, -1);
        device.write(offset(failedAt), ByteBuffer.wrap(again), false).join();
        into.clear();
        device.read(offset(failedAt), into).join();
        assertArrayEquals(again, into.array(), "a write after space came back");
    }

    @Test
    void aNewCacheLargerThanItsFileSystemIsRefusedInOneLine() {
        Path other = mount.resolve("other");
        CacheException e = assertThrows(
                CacheException.class,
                () -> CacheLog.open(other, new CacheIdentity("memory bucket", "other", OS), 256, line -> {}));
        String m = e.getMessage();
        assertTrue(!m.contains("\n"), m);
        assertTrue(m.contains("a cache of 16M needs 16 MiB") && m.contains("give a smaller --cache-size"), m);
        assertTrue(!Files.exists(other.resolve(CacheFiles.HEADER)), "no header made");
    }

    @Test
    void aCacheACrashLeftDirtyOnAFullDiskOpensOnItsReserveAndKeepsItsData() throws IOException {
        Path dir = mount.resolve("crashed");
        byte[] data = CacheTesting.random(16 << 10, 7);
        CacheLog log = CacheTesting.open(dir);
        log.assign(0, 5);
        log.write(0, 0, ByteBuffer.wrap(data));
        log.sync();
        fill(mount.resolve("filler"));
        log.abandon(); // a crash: no last checkpoint

        // opening checkpoints (new records never follow a torn tail): on a full disk, on the reserve's space
        try (CacheLog reopened = CacheTesting.open(dir)) {
            ByteBuffer into = ByteBuffer.allocate(data.length);
            assertTrue(reopened.read(0, 0, into) < 0, "the dirty granules are whole");
            assertArrayEquals(data, into.array(), "the dirty data after reopening");
            assertTrue(CacheTesting.locked(reopened, () -> reopened.index().anyDirty(0)), "still dirty");
        }
    }

    /** Writes {@code path} until the file system is full. */
    private static void fill(Path path) throws IOException {
        byte[] chunk = new byte[4096];
        try (OutputStream out = Files.newOutputStream(path)) {
            while (true) {
                out.write(chunk);
                out.flush();
            }
        } catch (IOException full) {
            assertTrue(full.getMessage().contains("No space left on device"), "filling: " + full);
        }
    }

    private void assertReadBack(List<byte[]> acknowledged) {
        for (int k = 0; k < acknowledged.size(); k++) {
            ByteBuffer into = ByteBuffer.allocate(4096);
            device.read(offset(k), into).join();
            assertArrayEquals(acknowledged.get(k), into.array(), "write " + k + " read back");
        }
    }

    private void assertInStore(List<byte[]> acknowledged) {
        for (int k = 0; k < acknowledged.size(); k++) {
            long at = offset(k);
            byte[] object = memory.object(KEY + "/" + String.format("%016x", at / OS));
            assertTrue(object != null, "object " + at / OS + " uploaded");
            byte[] part = new byte[4096];
            System.arraycopy(object, (int) (at % OS), part, 0, 4096);
            assertArrayEquals(acknowledged.get(k), part, "write " + k + " in the store");
        }
    }
}
