package dev.ublks3.storage.cache;

/**
 * Tells streaming I/O from random I/O, as bcache's sequential cutoff does: an I/O that starts where a recent one
 * ended continues that run; once a run has passed {@code cutoff} bytes, its I/O is streaming. A few runs are
 * tracked at once (a backup and a metadata walk interleave); the least recently used is replaced.
 * Thread-safe (one lock: a few comparisons per I/O).
 */
final class SequentialRuns {

    private final long cutoff;
    private final long[] ends;
    private final long[] lengths;
    private final long[] used;
    private long clock;

    SequentialRuns(long cutoff, int tracked) {
        this.cutoff = cutoff;
        ends = new long[tracked];
        lengths = new long[tracked];
        used = new long[tracked];
        java.util.Arrays.fill(ends, -1);
    }

    /** Records the I/O; true when it continues a run already past the cutoff (including this I/O). */
    synchronized boolean streaming(long offset, long length) {
        clock++;
        int oldest = 0;
        for (int i = 0; i < ends.length; i++) {
            if (ends[i] == offset) {
                ends[i] = offset + length;
                lengths[i] += length;
                used[i] = clock;
                return lengths[i] > cutoff;
            }
            if (used[i] < used[oldest]) {
                oldest = i;
            }
        }
        ends[oldest] = offset + length;
        lengths[oldest] = length;
        used[oldest] = clock;
        return length > cutoff;
    }
}
