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

    /** The environment variable that sets the retry time of {@link #configured()}, such as {@code 15s}. */
    public static final String TIME_VARIABLE = "UBLK_S3_RETRY_TIME";

    private static final java.util.regex.Pattern TIME = java.util.regex.Pattern.compile("(\\d{1,6})(ms|s)");

    /**
     * {@link #DEFAULT}, or {@link #forTime} the duration in {@value #TIME_VARIABLE} ({@code 500ms}, {@code 15s};
     * at most 999999 s) when it is set: how long a device keeps retrying a request before it fails it with EIO.
     */
    public static RetryPolicy configured() {
        return configured(System.getenv(TIME_VARIABLE));
    }

    static RetryPolicy configured(String time) {
        if (time == null || time.isBlank()) {
            return DEFAULT;
        }
        java.util.regex.Matcher m = TIME.matcher(time.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(TIME_VARIABLE + "='" + time + "' is not a duration: give whole ms or s, "
                    + "such as 15s, or unset it for the default 60s");
        }
        long n = Long.parseLong(m.group(1));
        return forTime(m.group(2).equals("ms") ? Duration.ofMillis(n) : Duration.ofSeconds(n));
    }

    /** At most {@code maxTotal} of retrying, with the default backoffs and attempts enough for the time to end it. */
    public static RetryPolicy forTime(Duration maxTotal) {
        return new RetryPolicy(Math.max(DEFAULT.maxAttempts(), (int) Math.min(1000, maxTotal.toSeconds() / 2 + 10)),
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
