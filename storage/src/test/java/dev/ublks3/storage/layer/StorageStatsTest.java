package dev.ublks3.storage.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.storage.StoreException.Kind;
import dev.ublks3.storage.testing.MemoryObjectStore;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StorageStatsTest {

    private static final int KiB = 1024;

    private final ManualScheduler clock = new ManualScheduler();
    private final MemoryObjectStore memory = new MemoryObjectStore();
    private final ScriptedFailingStore failing = new ScriptedFailingStore(memory);
    private final RetryObjectStore retry = new RetryObjectStore(failing, RetryPolicy.DEFAULT, clock, () -> 0.0);
    private final StatsObjectStore storeStats = new StatsObjectStore(retry, retry::retries, clock::nanoTime);
    private final FakeBlockDevice device = new FakeBlockDevice(1L << 30, 64 * KiB);
    private final StatsBlockDevice blockStats = new StatsBlockDevice(device, clock::nanoTime);

    /** Three writes (two 4 KiB, one 128 KiB straddling two objects) and three PUTs, one retried. */
    private StorageStats sample() {
        device.hold(true);
        List<CompletableFuture<Void>> writes = List.of(
                blockStats.write(4 * KiB, ByteBuffer.allocate(4 * KiB), true),
                blockStats.write(64 * KiB, ByteBuffer.allocate(4 * KiB), false),
                blockStats.write(0, ByteBuffer.allocate(128 * KiB), false));
        failing.failNext(1, Kind.THROTTLED);
        for (int i = 0; i < 3; i++) {
            storeStats.put("d/" + i, ByteBuffer.allocate(64 * KiB)).join();
        }
        clock.advance(Duration.ofNanos(100_000));
        for (int i = 0; i < 3; i++) {
            device.completeOldest();
        }
        writes.forEach(CompletableFuture::join);
        clock.advance(Duration.ofSeconds(2).minusNanos(100_000));
        return StorageStats.of(blockStats, storeStats, () -> new StorageStats.PartialWrites(2, 3, 4));
    }

    @Test
    void textLooksLikeNbdkitsStatsFilter() {
        String text = sample().toText();
        List<String> lines = text.lines().toList();
        assertEquals("elapsed time: 2.000000 s, object size: 64 KiB", lines.get(0));
        assertEquals("write: 3 ops, 0.000300 s, 136.00 KiB, 442.71 MiB/s op, 68.00 KiB/s total", lines.get(1));
        assertEquals("  errors 0, straddling object boundaries 1, partial objects 2, fua 1", lines.get(2));
        assertTrue(lines.get(3).startsWith("  latency: p50 0.000100 s"), lines.get(3));
        assertEquals("  request sizes:", lines.get(4));
        assertEquals("           4 KiB:  66.7% (2)", lines.get(5));
        assertEquals("         128 KiB:  33.3% (1)", lines.get(6));
        assertEquals("  offset alignment:", lines.get(7));
        assertEquals("           4 KiB:  33.3% (1)", lines.get(8));
        assertEquals("          64 KiB:  33.3% (1)", lines.get(9));
        assertEquals("          1 GiB+:  33.3% (1)", lines.get(10));
        assertTrue(lines.get(11).startsWith("store put: 3 ops, "), lines.get(11));
        assertTrue(lines.get(11).endsWith(", 0 errors, 1 retries, 3 objects"), lines.get(11));
        assertEquals(
                "read-modify-write cycles: 2, partial writes patched in memory: 3, partial writes of absent objects: 4",
                lines.getLast());
        assertFalse(text.contains("read:"), "operations that never happened are left out");
        assertFalse(text.contains("store get"));
    }

    @Test
    void jsonParsesBackWithStableFieldsForEveryOperation() {
        Object json = MiniJson.parse(sample().toJson());
        assertEquals(2_000_000_000L, MiniJson.get(json, "elapsed_ns"));
        assertEquals(65536L, MiniJson.get(json, "object_size"));
        assertEquals(2L, MiniJson.get(json, "read_modify_write_cycles"));
        assertEquals(3L, MiniJson.get(json, "patched_in_memory"));
        assertEquals(4L, MiniJson.get(json, "absent_written"));
        assertEquals(
                List.of("read", "write", "trim", "zero", "flush"),
                List.copyOf(((Map<?, ?>) MiniJson.get(json, "block")).keySet()));
        assertEquals(
                List.of("get", "put", "list", "delete", "delete_batch"),
                List.copyOf(((Map<?, ?>) MiniJson.get(json, "store")).keySet()));
        for (String op : List.of("read", "write", "trim", "zero", "flush")) {
            assertEquals(
                    List.of(
                            "ops",
                            "errors",
                            "bytes",
                            "total_ns",
                            "straddling",
                            "partial",
                            "fua",
                            "latency_ns",
                            "size_log2",
                            "alignment_log2"),
                    List.copyOf(((Map<?, ?>) MiniJson.get(json, "block", op)).keySet()));
            assertEquals(
                    List.of("count", "p50", "p90", "p99", "p99_9", "max", "mean"),
                    List.copyOf(((Map<?, ?>) MiniJson.get(json, "block", op, "latency_ns")).keySet()));
        }
        assertEquals(3L, MiniJson.get(json, "block", "write", "ops"));
        assertEquals(139264L, MiniJson.get(json, "block", "write", "bytes"));
        assertEquals(1L, MiniJson.get(json, "block", "write", "straddling"));
        assertEquals(Map.of("12", 2L, "17", 1L), MiniJson.get(json, "block", "write", "size_log2"));
        assertEquals(Map.of("12", 1L, "16", 1L, "30", 1L), MiniJson.get(json, "block", "write", "alignment_log2"));
        assertEquals(Map.of(), MiniJson.get(json, "block", "read", "size_log2"));
        assertEquals(3L, MiniJson.get(json, "block", "write", "latency_ns", "count"));
        assertEquals(3L, MiniJson.get(json, "store", "put", "ops"));
        assertEquals(1L, MiniJson.get(json, "store", "put", "retries"));
        assertEquals(3L * 64 * KiB, MiniJson.get(json, "store", "put", "bytes"));
        assertEquals(0L, MiniJson.get(json, "store", "get", "ops"));
    }

    @ParameterizedTest
    @CsvSource({"9, 512 B", "12, 4 KiB", "25, 32 MiB", "30, 1 GiB"})
    void humanSizesOfPowersOfTwo(int log2, String text) {
        assertEquals(text, StorageStats.powerOfTwo(log2));
    }

    @ParameterizedTest
    @CsvSource({"0, 0.00 B", "1023, 1023.00 B", "5054136.32, 4.82 MiB"}) // 4.82 * 1024 * 1024
    void humanSizesOfByteCounts(double bytes, String text) {
        assertEquals(text, StorageStats.bytes(bytes));
    }
}
