package dev.ublks3.storage.layer;

import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A snapshot of the storage stack's counters: block operations (from {@link StatsBlockDevice}), store calls
 * (from {@link StatsObjectStore}, retries included) and the object map's read-modify-write cycles.
 *
 * <h2>Text ({@link #toText()})</h2>
 * Shaped like nbdkit's stats filter: one line per operation that happened, then its details. Times are seconds;
 * "s" after the byte count is the time spent in the operation, summed over requests; "op" rate = bytes / that
 * time, "total" rate = bytes / elapsed time. Histogram rows give the bucket, share and count; a request-size row
 * "4 KiB" counts sizes in [4 KiB, 8 KiB); an alignment row "4 KiB" counts offsets whose largest power-of-two
 * divisor is 4 KiB ("1 GiB+" also holds offset 0).
 * <pre>
 * elapsed time: 2.000000 s, object size: 64 KiB
 * write: 3 ops, 0.000300 s, 136.00 KiB, 442.71 MiB/s op, 68.00 KiB/s total
 *   errors 0, straddling object boundaries 1, partial objects 2, fua 1
 *   latency: p50 0.000100 s, p90 0.000100 s, p99 0.000100 s, p99.9 0.000100 s, max 0.000100 s
 *   request sizes:
 *            4 KiB:  66.7% (2)
 *          128 KiB:  33.3% (1)
 *   offset alignment:
 *            4 KiB:  33.3% (1)
 *           64 KiB:  33.3% (1)
 *           1 GiB+:  33.3% (1)
 * store put: 3 ops, 0.000300 s, 192.00 KiB, 625.00 MiB/s op, 0 errors, 1 retries, 3 objects
 *   latency: p50 0.000100 s, p90 0.000100 s, p99 0.000100 s, p99.9 0.000100 s, max 0.000100 s
 * read-modify-write cycles: 2, partial writes patched in memory: 0, partial writes of absent objects: 0
 * </pre>
 *
 * <h2>JSON ({@link #toJson()})</h2>
 * Field names are stable; every operation and call type is present (with zeros if unused); times in
 * nanoseconds; histograms list only non-empty buckets, keyed by the bucket's log2 as a string.
 * <pre>
 * {
 *   "elapsed_ns": 2000000000,
 *   "object_size": 65536,
 *   "read_modify_write_cycles": 2,
 *   "patched_in_memory": 0,
 *   "absent_written": 0,
 *   "block": {
 *     "read": {"ops": 0, "errors": 0, "bytes": 0, "total_ns": 0, "straddling": 0, "partial": 0, "fua": 0,
 *              "latency_ns": {"count": 0, "p50": 0, "p90": 0, "p99": 0, "p99_9": 0, "max": 0, "mean": 0},
 *              "size_log2": {}, "alignment_log2": {}},
 *     "write": {..., "size_log2": {"12": 2, "17": 1}, "alignment_log2": {"12": 1, "16": 1, "30": 1}},
 *     "trim": {...}, "zero": {...}, "flush": {...}
 *   },
 *   "store": {
 *     "get": {"ops": 0, "errors": 0, "retries": 0, "bytes": 0, "objects": 0, "total_ns": 0, "latency_ns": {...}},
 *     "put": {...}, "list": {...}, "delete": {...}, "delete_batch": {...}
 *   }
 * }
 * </pre>
 */
public record StorageStats(
        long elapsedNanos,
        int objectSize,
        List<BlockOpStats> block,
        List<StoreCallStats> store,
        PartialWrites partialWrites) {

    /**
     * How partial-object writes (and zeroes) were served: GET + patch + PUT (read-modify-write cycles), a patched
     * copy held in memory (a PUT, no GET), or zeros around the data of an object known to be absent (a PUT, no GET).
     */
    public record PartialWrites(long readModifyWriteCycles, long patchedInMemory, long ofAbsentObjects) {}

    public StorageStats {
        block = List.copyOf(block);
        store = List.copyOf(store);
    }

    /** Reads the layers now; {@code partialWrites} typically reads the object map's counters. */
    public static StorageStats of(
            StatsBlockDevice block, StatsObjectStore store, Supplier<PartialWrites> partialWrites) {
        return new StorageStats(
                block.elapsedNanos(), block.objectSize(), block.snapshot(), store.snapshot(), partialWrites.get());
    }

    public long readModifyWriteCycles() {
        return partialWrites.readModifyWriteCycles();
    }

    public BlockOpStats block(BlockOp op) {
        return block.stream().filter(s -> s.op() == op).findFirst().orElseThrow();
    }

    public StoreCallStats store(StoreCall call) {
        return store.stream().filter(s -> s.call() == call).findFirst().orElseThrow();
    }

    public String toText() {
        StringBuilder out = new StringBuilder();
        double elapsed = elapsedNanos / 1e9;
        out.append(fmt(
                "elapsed time: %.6f s, object size: %s%n",
                elapsed, Integer.bitCount(objectSize) == 1 ? powerOfTwo(log2(objectSize)) : bytes(objectSize)));
        for (BlockOpStats s : block) {
            if (s.ops() == 0 && s.errors() == 0) {
                continue;
            }
            double seconds = s.totalNanos() / 1e9;
            out.append(fmt("%s: %d ops, %.6f s", s.op().label(), s.ops(), seconds));
            if (s.op() != BlockOp.FLUSH) {
                out.append(fmt(
                        ", %s, %s/s op, %s/s total",
                        bytes(s.bytes()), rate(s.bytes(), seconds), rate(s.bytes(), elapsed)));
            }
            out.append(fmt("%n  errors %d", s.errors()));
            if (s.op() != BlockOp.FLUSH) {
                out.append(fmt(", straddling object boundaries %d, partial objects %d", s.straddling(), s.partial()));
            }
            if (s.op() == BlockOp.WRITE) {
                out.append(fmt(", fua %d", s.fua()));
            }
            out.append(fmt("%n"));
            latencyLine(out, s.latency());
            if (s.op() != BlockOp.FLUSH) {
                histogramLines(out, "request sizes", s.sizes(), -1);
                histogramLines(out, "offset alignment", s.alignments(), StatsBlockDevice.ALIGNMENT_CAP_LOG2);
            }
        }
        for (StoreCallStats s : store) {
            if (s.ops() == 0 && s.errors() == 0 && s.retries() == 0) {
                continue;
            }
            double seconds = s.totalNanos() / 1e9;
            out.append(fmt("store %s: %d ops, %.6f s", s.call().label(), s.ops(), seconds));
            if (s.call() == StoreCall.GET || s.call() == StoreCall.PUT) {
                out.append(fmt(", %s, %s/s op", bytes(s.bytes()), rate(s.bytes(), seconds)));
            }
            out.append(fmt(", %d errors, %d retries, %d objects%n", s.errors(), s.retries(), s.objects()));
            latencyLine(out, s.latency());
        }
        out.append(fmt(
                "read-modify-write cycles: %d, partial writes patched in memory: %d, "
                        + "partial writes of absent objects: %d%n",
                partialWrites.readModifyWriteCycles(),
                partialWrites.patchedInMemory(),
                partialWrites.ofAbsentObjects()));
        return out.toString();
    }

    public String toJson() {
        StringBuilder out = new StringBuilder();
        out.append("{\n");
        out.append(fmt("  \"elapsed_ns\": %d,%n", elapsedNanos));
        out.append(fmt("  \"object_size\": %d,%n", objectSize));
        out.append(fmt("  \"read_modify_write_cycles\": %d,%n", partialWrites.readModifyWriteCycles()));
        out.append(fmt("  \"patched_in_memory\": %d,%n", partialWrites.patchedInMemory()));
        out.append(fmt("  \"absent_written\": %d,%n", partialWrites.ofAbsentObjects()));
        out.append("  \"block\": {\n");
        for (int i = 0; i < block.size(); i++) {
            BlockOpStats s = block.get(i);
            out.append(fmt(
                    "    \"%s\": {\"ops\": %d, \"errors\": %d, \"bytes\": %d, \"total_ns\": %d, "
                            + "\"straddling\": %d, \"partial\": %d, \"fua\": %d, \"latency_ns\": %s, "
                            + "\"size_log2\": %s, \"alignment_log2\": %s}%s%n",
                    s.op().label(),
                    s.ops(),
                    s.errors(),
                    s.bytes(),
                    s.totalNanos(),
                    s.straddling(),
                    s.partial(),
                    s.fua(),
                    latencyJson(s.latency()),
                    histogramJson(s.sizes()),
                    histogramJson(s.alignments()),
                    i + 1 < block.size() ? "," : ""));
        }
        out.append("  },\n");
        out.append("  \"store\": {\n");
        for (int i = 0; i < store.size(); i++) {
            StoreCallStats s = store.get(i);
            out.append(fmt(
                    "    \"%s\": {\"ops\": %d, \"errors\": %d, \"retries\": %d, \"bytes\": %d, "
                            + "\"objects\": %d, \"total_ns\": %d, \"latency_ns\": %s}%s%n",
                    s.call().name().toLowerCase(Locale.ROOT),
                    s.ops(),
                    s.errors(),
                    s.retries(),
                    s.bytes(),
                    s.objects(),
                    s.totalNanos(),
                    latencyJson(s.latency()),
                    i + 1 < store.size() ? "," : ""));
        }
        out.append("  }\n");
        out.append("}\n");
        return out.toString();
    }

    private static void latencyLine(StringBuilder out, LatencySummary l) {
        if (l.count() == 0) {
            return;
        }
        out.append(fmt(
                "  latency: p50 %.6f s, p90 %.6f s, p99 %.6f s, p99.9 %.6f s, max %.6f s%n",
                l.p50() / 1e9, l.p90() / 1e9, l.p99() / 1e9, l.p999() / 1e9, l.max() / 1e9));
    }

    /** @param capBucket the bucket that also holds everything above it, or -1 */
    private static void histogramLines(StringBuilder out, String title, Log2Histogram h, int capBucket) {
        long total = h.total();
        if (total == 0) {
            return;
        }
        out.append(fmt("  %s:%n", title));
        for (int i = 0; i < h.buckets(); i++) {
            if (h.count(i) == 0) {
                continue;
            }
            String label = powerOfTwo(i) + (i == capBucket ? "+" : "");
            out.append(fmt("    %12s: %5.1f%% (%d)%n", label, 100.0 * h.count(i) / total, h.count(i)));
        }
    }

    private static String latencyJson(LatencySummary l) {
        return fmt(
                "{\"count\": %d, \"p50\": %d, \"p90\": %d, \"p99\": %d, \"p99_9\": %d, \"max\": %d, \"mean\": %d}",
                l.count(), l.p50(), l.p90(), l.p99(), l.p999(), l.max(), Math.round(l.mean()));
    }

    private static String histogramJson(Log2Histogram h) {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < h.buckets(); i++) {
            if (h.count(i) != 0) {
                out.append(out.length() > 1 ? ", " : "").append(fmt("\"%d\": %d", i, h.count(i)));
            }
        }
        return out.append('}').toString();
    }

    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    /** 2^log2 in the largest binary unit that keeps it whole: "512 B", "4 KiB", "1 GiB". */
    static String powerOfTwo(int log2) {
        return (1L << (log2 % 10)) + " " + UNITS[log2 / 10];
    }

    /** Bytes with two decimals in the largest unit below them, like nbdkit's humansize: "4.82 MiB". */
    static String bytes(double n) {
        int unit = 0;
        while (n >= 1024 && unit < UNITS.length - 1) {
            n /= 1024;
            unit++;
        }
        return fmt("%.2f %s", n, UNITS[unit]);
    }

    private static String rate(long bytes, double seconds) {
        return seconds > 0 ? bytes(bytes / seconds) : bytes(0);
    }

    private static int log2(int powerOfTwo) {
        return 31 - Integer.numberOfLeadingZeros(powerOfTwo);
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args); // '.' decimals whatever the machine's locale
    }
}
