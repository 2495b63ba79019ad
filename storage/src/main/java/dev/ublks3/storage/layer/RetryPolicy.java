package dev.ublks3.storage.layer;

import java.time.Duration;

/**
 * How {@link RetryObjectStore} retries: at most {@code maxAttempts} attempts (the first included); before retry
 * number n (1-based) it waits a random time in [0, min(maxBackoff, initialBackoff * 2^(n-1))] ("full jitter"); it
 * starts no retry whose wait would end more than {@code maxTotal} after the first attempt began.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxTotal) {

    /**
     * Up to 60 s of retrying: 50 ms doubling up to 5 s, with attempts enough (40) that the time limit, not the count,
     * ends it when the store is down (8 attempts of fast failures used to end in about 3 s, far short of 60 s). A
     * request therefore fails at most about 60 s plus one attempt's timeout ({@code S3Config.stallTimeout} for a
     * silent store, {@code requestTimeout} at worst) after it started.
     */
    public static final RetryPolicy DEFAULT =
            new RetryPolicy(40, Duration.ofMillis(50), Duration.ofSeconds(5), Duration.ofSeconds(60));

    /**
     * At most {@code maxTotal} of retrying (a device's retry time, {@code ublk-s3 add --retry-time}), with the default
     * backoffs and attempts enough for the time to end it: one per 2 s of it, where the backoffs average 2.5 s once
     * they reach their 5 s ceiling. {@code forTime(60 s)} is {@link #DEFAULT}.
     */
    public static RetryPolicy forTime(Duration maxTotal) {
        long attempts = maxTotal.toSeconds() / 2 + 10;
        return new RetryPolicy((int) Math.max(DEFAULT.maxAttempts(), Math.min(Integer.MAX_VALUE, attempts)),
                DEFAULT.initialBackoff(), DEFAULT.maxBackoff(), maxTotal);
    }

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
            throw new IllegalArgumentException("retry: initialBackoff " + initialBackoff
                    + " is larger than maxBackoff " + maxBackoff);
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
