package dev.ublks3.ublk;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Where a request's time goes inside a queue, in nanoseconds, recorded by the queue thread as it commits:
 * <ul>
 *   <li>target: from the dispatch to {@link UblkTarget#handle} until the target completes the request;</li>
 *   <li>return: from that completion until the queue thread has the commit ready for the kernel (the hand-off
 *       through the completion queue, and the eventfd wake-up, when another thread completed it).</li>
 * </ul>
 * What the kernel and io_uring add on both sides is the client's latency minus these two. Recording is wait-free
 * (HdrHistogram's {@link Recorder}); readers merge under this object's monitor.
 */
public final class QueueTimes {

    /** One hop's distribution so far. */
    public record Hop(long count, long p50, long p90, long p99, long max, double mean) {
        static Hop of(Histogram h) {
            return h.getTotalCount() == 0 ? new Hop(0, 0, 0, 0, 0, 0)
                    : new Hop(h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(90),
                    h.getValueAtPercentile(99), h.getMaxValue(), h.getMean());
        }
    }

    /** Both hops of a queue, or of a device's queues merged. */
    public record Snapshot(Hop target, Hop returnToQueue) {
    }

    private final Recorder target = new Recorder(3);
    private final Recorder back = new Recorder(3);
    private final Histogram targetTotal = new Histogram(3);
    private final Histogram backTotal = new Histogram(3);
    private Histogram targetInterval; // each recorder takes back only the interval histogram it gave
    private Histogram backInterval;

    /** On the queue thread, at commit. */
    void record(long dispatchedNanos, long completedNanos, long committedNanos) {
        target.recordValue(Math.max(0, completedNanos - dispatchedNanos));
        back.recordValue(Math.max(0, committedNanos - completedNanos));
    }

    /** Adds this queue's totals so far to {@code targets} and {@code returns}. */
    synchronized void addTo(Histogram targets, Histogram returns) {
        targetInterval = target.getIntervalHistogram(targetInterval);
        targetTotal.add(targetInterval);
        backInterval = back.getIntervalHistogram(backInterval);
        backTotal.add(backInterval);
        targets.add(targetTotal);
        returns.add(backTotal);
    }

    /** The merged hops of {@code queues}. */
    static Snapshot merge(Iterable<UblkQueue> queues) {
        Histogram targets = new Histogram(3);
        Histogram returns = new Histogram(3);
        for (UblkQueue q : queues) q.times().addTo(targets, returns);
        return new Snapshot(Hop.of(targets), Hop.of(returns));
    }
}
