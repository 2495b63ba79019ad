package dev.ublks3.ublk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class QueueTimesTest {

    @Test
    void recordsBothHopsPerOperationAndKeepsTheTotalAcrossReads() {
        QueueTimes times = new QueueTimes();
        for (int i = 1; i <= 100; i++) times.record(UblkOp.READ, 0, i * 1_000_000L, i * 1_000_000L + 50_000);
        times.record(UblkOp.WRITE, 10, 20, 30);
        times.recordHandle(UblkOp.READ, 100, 2_100);

        QueueTimes.Snapshot s = QueueTimes.merge(List.of(times));
        QueueTimes.Hop target = s.of(UblkOp.READ).target();
        assertEquals(100, target.count());
        assertEquals(50_000_000, target.p50(), 50_000_000 * 0.001);
        assertEquals(100_000_000, target.max(), 100_000_000 * 0.001);
        assertEquals(50_000, s.of(UblkOp.READ).returnToQueue().p99(), 50);
        assertEquals(1, s.of(UblkOp.READ).handle().count());
        assertEquals(2_000, s.of(UblkOp.READ).handle().max(), 2);
        assertEquals(1, s.of(UblkOp.WRITE).target().count());
        assertEquals(10, s.of(UblkOp.WRITE).returnToQueue().max());
        assertEquals(
                QueueTimes.Hop.NONE, s.of(UblkOp.FLUSH).target(), "every operation is there, unused ones as zeros");

        times.record(UblkOp.READ, 0, 1, 0); // a clock that went back records 0, not a negative value
        QueueTimes other = new QueueTimes();
        other.record(UblkOp.READ, 0, 5, 5);
        QueueTimes.Snapshot again = QueueTimes.merge(List.of(times, other));
        assertEquals(
                102,
                again.of(UblkOp.READ).target().count(),
                "a second read keeps the first one's values, queues add up");
    }
}
