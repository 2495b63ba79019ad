package dev.ublks3.storage.layer;

import java.util.Arrays;

/**
 * Counts by power of two: {@code counts[i]} is the number of requests in bucket i. For request sizes bucket i
 * holds sizes in [2^i, 2^(i+1)); for offset alignment it holds offsets whose largest power-of-two divisor is 2^i
 * (the last bucket also takes everything more aligned, including offset 0).
 */
public record Log2Histogram(long[] counts) {

    public Log2Histogram {
        counts = counts.clone();
    }

    /** Bucket of a size: floor(log2(size)); sizes below 1 have none (-1). */
    public static int sizeBucket(long size) {
        return size < 1 ? -1 : 63 - Long.numberOfLeadingZeros(size);
    }

    /** Bucket of an offset: log2 of the largest power of two dividing it, at most {@code cap}; 0 goes to cap. */
    public static int alignmentBucket(long offset, int cap) {
        return Math.min(Long.numberOfTrailingZeros(offset), cap);
    }

    @Override
    public long[] counts() {
        return counts.clone();
    }

    public long count(int bucket) {
        return counts[bucket];
    }

    public int buckets() {
        return counts.length;
    }

    public long total() {
        return Arrays.stream(counts).sum();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Log2Histogram other && Arrays.equals(counts, other.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "Log2Histogram" + Arrays.toString(counts);
    }
}
