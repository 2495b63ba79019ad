package dev.ublks3.storage.layer;

/**
 * One block operation's counters since the device opened. Everything but {@code errors} counts successful
 * requests only (like nbdkit's stats filter).
 *
 * @param ops         successful requests
 * @param errors      failed requests
 * @param bytes       bytes read, written, trimmed or zeroed
 * @param totalNanos  time spent in successful requests, summed
 * @param straddling  requests that cross at least one object boundary (the kernel NBD client's costly habit)
 * @param partial     requests that start or end inside an object (writes of those need read-modify-write)
 * @param fua         writes with force-unit-access
 * @param sizes       request sizes, {@link Log2Histogram} by size
 * @param alignments  offset alignment, {@link Log2Histogram} by alignment, capped at 2^{@value StatsBlockDevice#ALIGNMENT_CAP_LOG2}
 */
public record BlockOpStats(
        BlockOp op,
        long ops,
        long errors,
        long bytes,
        long totalNanos,
        long straddling,
        long partial,
        long fua,
        LatencySummary latency,
        Log2Histogram sizes,
        Log2Histogram alignments) {}
