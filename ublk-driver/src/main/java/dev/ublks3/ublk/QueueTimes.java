package dev.ublks3.ublk;

import java.util.EnumMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Where a request's time goes inside a queue, per operation, in nanoseconds, recorded by the queue thread as it
 * commits:
 * <ul>
 *   <li>target: from the dispatch to {@link UblkTarget#handle} until the target completes the request;</li>
 *   <li>handle: the part of that spent in the {@code handle} call itself, on the queue thread (until the store
 *       call is on its way): the queue thread serves nothing else meanwhile;</li>
 *   <li>return: from that completion until the queue thread has the commit ready for the kernel (the hand-off
 *       through the completion queue, and the eventfd wake-up, when another thread completed it).</li>
 * </ul>
 * What the kernel and io_uring add on both sides is the client's latency minus these two. Recording is wait-free
 * (HdrHistogram's {@link Recorder}); readers merge under this object's monitor.
 */
public final class QueueTimes {

    /** One hop's distribution so far. */
    public record Hop(long count, long p50, long p90, long p99, long max, double mean) {
        static final Hop NONE = new Hop(0, 0, 0, 0, 0, 0);

        static Hop of(Histogram h) {
            return h.getTotalCount() == 0
                    ? NONE
                    : new Hop(
                            h.getTotalCount(),
                            h.getValueAtPercentile(50),
                            h.getValueAtPercentile(90),
                            h.getValueAtPercentile(99),
                            h.getMaxValue(),
                            h.getMean());
        }
    }

    /** The hops of one operation. */
    public record OpTimes(Hop target, Hop handle, Hop returnToQueue) {}

    /** Every operation's hops (all present, zeros when unused), of a queue or of a device's queues merged. */
    public record Snapshot(Map<UblkOp, OpTimes> ops) {
        public Snapshot {
            ops = Map.copyOf(ops);
        }

        public OpTimes of(UblkOp op) {
            return ops.get(op);
        }
    }

    /** One operation's recorders, and the totals its readers built so far. */
    private static final class Hops {
        final Recorder target = new Recorder(3);
        final Recorder handle = new Recorder(3);
        final Recorder back = new Recorder(3);
        final Histogram targetTotal = new Histogram(3);
        final Histogram handleTotal = new Histogram(3);
        final Histogram backTotal = new Histogram(3);
        Histogram targetInterval; // a recorder takes back only the interval histogram it gave
        Histogram handleInterval;
        Histogram backInterval;
    }

    private final Map<UblkOp, Hops> hops = new EnumMap<>(UblkOp.class);

    QueueTimes() {
        for (UblkOp op : UblkOp.values()) hops.put(op, new Hops());
    }

    /** On the queue thread, when {@code handle} returns. */
    void recordHandle(UblkOp op, long dispatchedNanos, long handledNanos) {
        hops.get(op).handle.recordValue(Math.max(0, handledNanos - dispatchedNanos));
    }

    /** On the queue thread, at commit. */
    void record(UblkOp op, long dispatchedNanos, long completedNanos, long committedNanos) {
        Hops h = hops.get(op);
        h.target.recordValue(Math.max(0, completedNanos - dispatchedNanos));
        h.back.recordValue(Math.max(0, committedNanos - completedNanos));
    }

    /** Adds this queue's totals so far of {@code op} to {@code targets}, {@code handles} and {@code returns}. */
    synchronized void addTo(UblkOp op, Histogram targets, Histogram handles, Histogram returns) {
        Hops h = hops.get(op);
        h.targetInterval = h.target.getIntervalHistogram(h.targetInterval);
        h.targetTotal.add(h.targetInterval);
        h.handleInterval = h.handle.getIntervalHistogram(h.handleInterval);
        h.handleTotal.add(h.handleInterval);
        h.backInterval = h.back.getIntervalHistogram(h.backInterval);
        h.backTotal.add(h.backInterval);
        targets.add(h.targetTotal);
        handles.add(h.handleTotal);
        returns.add(h.backTotal);
    }

    /** The hops of {@code queues} merged. */
    static Snapshot merge(Iterable<QueueTimes> queues) {
        Map<UblkOp, OpTimes> ops = new EnumMap<>(UblkOp.class);
        for (UblkOp op : UblkOp.values()) {
            Histogram targets = new Histogram(3);
            Histogram handles = new Histogram(3);
            Histogram returns = new Histogram(3);
            for (QueueTimes q : queues) q.addTo(op, targets, handles, returns);
            ops.put(op, new OpTimes(Hop.of(targets), Hop.of(handles), Hop.of(returns)));
        }
        return new Snapshot(ops);
    }
}
