package dev.ublks3.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * For benchmarks/bin/storage-bench: pools the per-fork samples {@link StorageLatencyBenchmark} wrote into a
 * directory (one file per fork) and prints, per operation, p50 and p99 of each side in microseconds, the ratios
 * ours/raw of the pooled samples, and the range of the per-fork ratios (how far one fork alone could be off).
 * With a second argument, a file of nbdkit's 4 KiB write latencies (nanoseconds, one a line), it adds nbdkit's
 * percentiles and nbdkit/ours on the 4 KiB write row.
 */
public final class StorageBenchReport {

    private static final Map<String, String> OPERATIONS = new LinkedHashMap<>();

    static {
        OPERATIONS.put("read4k", "4 KiB read (4K objects)");
        OPERATIONS.put("write4k", "4 KiB write (4K objects)");
        OPERATIONS.put("read128k", "128 KiB read (128K objects)");
        OPERATIONS.put("write128k", "128 KiB write (128K objects)");
        OPERATIONS.put("rmw4kIn128k", "4 KiB write in 128K object (RMW)");
    }

    private StorageBenchReport() {}

    /** One fork's samples of one operation. */
    private record Fork(Histogram ours, Histogram raw) {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: StorageBenchReport SAMPLES_DIR [NBDKIT_NS_FILE]");
            System.exit(2);
        }
        Map<String, List<Fork>> forks = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(Path.of(args[0]))) {
            for (Path file : files.sorted().toList()) {
                if (file.getFileName().toString().endsWith(".samples")) {
                    read(file)
                            .forEach((operation, fork) -> forks.computeIfAbsent(operation, o -> new ArrayList<>())
                                    .add(fork));
                }
            }
        }
        Histogram nbdkit = args.length == 2 ? nbdkit(Path.of(args[1])) : null;
        System.out.printf(
                "%-34s %15s %15s %13s %13s %17s %17s%n",
                "operation", "ours", "raw", "ours/raw", "forks, pairs", "nbdkit S3", "nbdkit/ours");
        for (Map.Entry<String, String> op : OPERATIONS.entrySet()) {
            List<Fork> list = forks.get(op.getKey());
            if (list == null) {
                continue;
            }
            Histogram ours = new Histogram(3);
            Histogram raw = new Histogram(3);
            for (Fork f : list) {
                ours.add(f.ours());
                raw.add(f.raw());
            }
            String nb = "-";
            String nr = "-";
            if (nbdkit != null && op.getKey().equals("write4k")) {
                nb = micros(nbdkit);
                nr = "%.1f / %.1f".formatted(p(nbdkit, 50) / p(ours, 50), p(nbdkit, 99) / p(ours, 99));
            }
            System.out.printf(
                    "%-34s %15s %15s %13s %13s %17s %17s%n",
                    op.getValue(),
                    micros(ours),
                    micros(raw),
                    "%.2f / %.2f".formatted(p(ours, 50) / p(raw, 50), p(ours, 99) / p(raw, 99)),
                    list.size() + ", " + ours.getTotalCount(),
                    nb,
                    nr);
        }
        System.out.println();
        System.out.println("per-fork ours/raw, min..max (one fork alone):");
        for (Map.Entry<String, String> op : OPERATIONS.entrySet()) {
            List<Fork> list = forks.get(op.getKey());
            if (list == null) {
                continue;
            }
            System.out.printf("  %-32s p50 %s  p99 %s%n", op.getValue(), range(list, 50), range(list, 99));
        }
    }

    private static String range(List<Fork> list, double percentile) {
        double min = Double.MAX_VALUE;
        double max = 0;
        for (Fork f : list) {
            double r = p(f.ours(), percentile) / p(f.raw(), percentile);
            min = Math.min(min, r);
            max = Math.max(max, r);
        }
        return "%.2f..%.2f".formatted(min, max);
    }

    /** p50 / p99 in microseconds. */
    private static String micros(Histogram h) {
        return "%.0f / %.0f".formatted(p(h, 50) / 1000, p(h, 99) / 1000);
    }

    private static double p(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile);
    }

    /** One fork's file: lines "operation ours|raw BASE64"; its samples per operation. */
    private static Map<String, Fork> read(Path file) throws IOException {
        Map<String, Histogram> ours = new LinkedHashMap<>();
        Map<String, Histogram> raw = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] parts = line.split(" ");
            if (parts.length != 3 || !(parts[1].equals("ours") || parts[1].equals("raw"))) {
                throw new IOException(file + ": not 'operation ours|raw samples': " + line);
            }
            Histogram h;
            try {
                h = Histogram.decodeFromCompressedByteBuffer(
                        ByteBuffer.wrap(Base64.getDecoder().decode(parts[2])), 0);
            } catch (DataFormatException | RuntimeException e) {
                throw new IOException(file + ": unreadable samples: " + e.getMessage(), e);
            }
            (parts[1].equals("ours") ? ours : raw).put(parts[0], h);
        }
        Map<String, Fork> forks = new LinkedHashMap<>();
        for (Map.Entry<String, Histogram> e : ours.entrySet()) {
            Histogram r = raw.get(e.getKey());
            if (r == null) {
                throw new IOException(file + ": ours but no raw samples for " + e.getKey());
            }
            forks.put(e.getKey(), new Fork(e.getValue(), r));
        }
        return forks;
    }

    private static Histogram nbdkit(Path file) throws IOException {
        Histogram h = new Histogram(3);
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                h.recordValue(Long.parseLong(line.trim()));
            }
        }
        return h;
    }
}
