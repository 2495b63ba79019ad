package dev.ublks3.storage.layer;

import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latencies recorded from many threads without a lock: HdrHistogram's {@link Recorder} is wait-free for writers;
 * the reporter swaps out its interval histogram and adds it to a running total, under this object's monitor
 * (taken by reporters only, never on the recording path).
 */
final class LatencyRecorder {

    private final Recorder recorder = new Recorder(3);
    private final Histogram total = new Histogram(3);
    private final LongAdder totalNanos = new LongAdder();
    private Histogram interval;

    void record(long nanos) {
        long value = Math.max(0, nanos); // a clock that did not move (or a test clock) must not throw
        recorder.recordValue(value);
        totalNanos.add(value);
    }

    /** Sum of all recorded latencies: nbdkit's "time spent in this operation". */
    long totalNanos() {
        return totalNanos.sum();
    }

    synchronized LatencySummary summary() {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
        return LatencySummary.of(total);
    }
}
