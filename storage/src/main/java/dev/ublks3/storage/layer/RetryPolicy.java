package dev.ublks3.storage.layer;

import java.time.Duration;

/**
 * How {@link RetryObjectStore} retries: at most {@code maxAttempts} attempts (the first included); before retry
 * number n (1-based) it waits a random time in [0, min(maxBackoff, initialBackoff * 2^(n-1))] ("full jitter"),
 * cut to what is left of {@code maxTotal}, the retry time, which counts from the first failure.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxTotal) {

    /**
     * {@code maxTotal} of retrying (a device's retry time, {@code ublk-s3 add --retry-time}): 50 ms doubling up to
     * 5 s, and no limit on attempts, so the time alone ends it. A request therefore fails at most the retry time
     * plus two attempts' timeouts ({@code S3Config.stallTimeout} for a silent store, {@code requestTimeout} at
     * worst: the first attempt's and the last one's) after it started.
     */
    public static RetryPolicy forTime(Duration maxTotal) {
        return new RetryPolicy(Integer.MAX_VALUE, Duration.ofMillis(50), Duration.ofSeconds(5), maxTotal);
    }

    /** A minute of retrying: {@code forTime(60 s)}. */
    public static final RetryPolicy DEFAULT = forTime(Duration.ofSeconds(60));

    /** One attempt: errors surface at once. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("retry: maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.isNegative() || maxTotal.isNegative()) {
            throw new IllegalArgumentException("retry: backoffs and maxTotal must not be negative");
        }
        if (initialBackoff.compareTo(maxBackoff) > 0) {
            throw new IllegalArgumentException(
                    "retry: initialBackoff " + initialBackoff + " is larger than maxBackoff " + maxBackoff);
        }
    }

    /** The longest wait before retry number {@code retry} (1 = the wait after the first failure), in nanoseconds. */
    public long backoffCeilingNanos(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry numbers start at 1, got " + retry);
        }
        long initial = initialBackoff.toNanos();
        long max = maxBackoff.toNanos();
        int shift = Math.min(retry - 1, 62);
        // doubling past max (or past Long.MAX_VALUE) stops at max
        return initial == 0 ? 0 : (initial > (max >> shift) ? max : Math.min(max, initial << shift));
    }
}
