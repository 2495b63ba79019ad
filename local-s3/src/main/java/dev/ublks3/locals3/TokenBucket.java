package dev.ublks3.locals3;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A bandwidth cap shared by concurrent transfers, as a token bucket in bytes: tokens refill at
 * {@code bytesPerSecond} up to {@code burstBytes}; a transfer takes its bytes at once (the bucket may go into
 * debt) and is done when the debt is paid off. With no burst it is a pipe: transfers queue one after the other.
 *
 * <p>Kept as one number, the time at which the bucket will be full again (GCRA), updated with compare-and-set:
 * no lock.
 */
final class TokenBucket {

    private final long bytesPerSecond;
    private final long burstNanos;
    private final AtomicLong fullAtNanos = new AtomicLong(Long.MIN_VALUE);

    TokenBucket(long bytesPerSecond, long burstBytes) {
        if (bytesPerSecond <= 0 || burstBytes < 0) {
            throw new IllegalArgumentException(
                    "rate: need bytesPerSecond > 0 and burstBytes >= 0, got " + bytesPerSecond + " and " + burstBytes);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.burstNanos = nanosFor(burstBytes);
    }

    /** Takes {@code bytes} at time {@code nowNanos}; returns when they are transferred (never before now). */
    long reserve(long bytes, long nowNanos) {
        long cost = nanosFor(bytes);
        while (true) {
            long full = fullAtNanos.get();
            long start = Math.max(full, nowNanos);
            long newFull = start + cost;
            if (fullAtNanos.compareAndSet(full, newFull)) {
                return Math.max(nowNanos, newFull - burstNanos);
            }
        }
    }

    private long nanosFor(long bytes) {
        return (long) Math.ceil(bytes * 1e9 / bytesPerSecond);
    }
}
