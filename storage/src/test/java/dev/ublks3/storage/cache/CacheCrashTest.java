package dev.ublks3.storage.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.locals3.LocalS3Server;
import dev.ublks3.storage.ObjectMap;
import dev.ublks3.storage.layer.Scheduler;
import dev.ublks3.storage.s3.S3ObjectStore;
import dev.ublks3.storage.testing.LocalS3Fixture;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a writeback server loses no acknowledged write: a process writes through the cache (never a FLUSH)
 * and is SIGKILLed mid-stream; the cache, opened again, holds every acknowledged block, and uploads it.
 */
class CacheCrashTest {

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedWriteSurvivesSigkillAndReachesTheStore() throws Exception {
        LocalS3Server server = LocalS3Fixture.server();
        String bucket = LocalS3Fixture.newBucket("cache-crash");
        String endpoint = server.endpoint().toString();
        Process writer = new ProcessBuilder(List.of(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-cp",
                        System.getProperty("java.class.path"),
                        CacheCrashWriter.class.getName(),
                        endpoint,
                        bucket,
                        dir.toString()))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        Map<Long, Long> acked = new HashMap<>(); // offset -> seed of its last acknowledged write
        long[] inFlight = null; // the write issued and not acknowledged when it died: either version may be there
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                String[] f = line.split(" ");
                long offset = Long.parseLong(f[1]);
                long seed = Long.parseLong(f[2]);
                if (f[0].equals("issue")) {
                    inFlight = new long[] {offset, seed};
                } else {
                    acked.put(offset, seed);
                    inFlight = null;
                    if (acked.size() == 300) {
                        writer.toHandle().destroyForcibly(); // SIGKILL (not Process.destroy: it closes the pipe)
                    } // and read on: what it said before it died is still in the pipe
                }
            }
        }
        assertTrue(writer.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, writer.exitValue(), "killed by SIGKILL");

        CachedBlockDevice device = CachedBlockDevice.open(
                new ObjectMap(
                        S3ObjectStore.open(LocalS3Fixture.config(bucket), CacheCrashWriter.OS),
                        CacheCrashWriter.KEY,
                        CacheCrashWriter.SIZE,
                        CacheCrashWriter.OS),
                CacheCrashWriter.identity(endpoint, bucket),
                CacheOptions.of(dir, 2L << 20, CacheMode.WRITEBACK),
                Scheduler.system(),
                line -> {});
        try {
            check(device, acked, inFlight);
            device.drain().done().orTimeout(60, TimeUnit.SECONDS).join();
        } finally {
            device.close();
        }
        ObjectMap store = new ObjectMap(
                S3ObjectStore.open(LocalS3Fixture.config(bucket), CacheCrashWriter.OS),
                CacheCrashWriter.KEY,
                CacheCrashWriter.SIZE,
                CacheCrashWriter.OS);
        try {
            check(store, acked, inFlight);
        } finally {
            store.close();
        }
    }

    private static void check(dev.ublks3.storage.BlockDevice device, Map<Long, Long> acked, long[] inFlight) {
        for (Map.Entry<Long, Long> e : acked.entrySet()) {
            ByteBuffer got = ByteBuffer.allocate(4096);
            device.read(e.getKey(), got).join();
            if (inFlight != null
                    && inFlight[0] == e.getKey()
                    && java.util.Arrays.equals(got.array(), CacheCrashWriter.block(inFlight[1]))) {
                continue; // the write it died in reached the cache: newer, and also fine
            }
            assertArrayEquals(CacheCrashWriter.block(e.getValue()), got.array(), "block at " + e.getKey());
        }
    }
}
