package dev.ublks3.ublk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class QueueTimesTest {

    @Test
    void recordsBothHopsAndKeepsTheTotalAcrossReads() {
        QueueTimes times = new QueueTimes();
        for (int i = 1; i <= 100; i++) times.record(0, i * 1_000_000L, i * 1_000_000L + 50_000);

        Histogram targets = new Histogram(3);
        Histogram returns = new Histogram(3);
        times.addTo(targets, returns);
        QueueTimes.Hop target = QueueTimes.Hop.of(targets);
        QueueTimes.Hop back = QueueTimes.Hop.of(returns);
        assertEquals(100, target.count());
        assertEquals(50_000_000, target.p50(), 50_000_000 * 0.001);
        assertEquals(100_000_000, target.max(), 100_000_000 * 0.001);
        assertEquals(50_000, back.p99(), 50);

        times.record(0, 1, 0); // a clock that went back records 0, not a negative value
        Histogram again = new Histogram(3);
        Histogram againReturns = new Histogram(3);
        times.addTo(again, againReturns);
        assertEquals(101, again.getTotalCount(), "the second read holds the first one's values too");
        assertEquals(0, againReturns.getMinValue());
    }

    @Test
    void anEmptyHopIsZeros() {
        assertEquals(new QueueTimes.Hop(0, 0, 0, 0, 0, 0), QueueTimes.Hop.of(new Histogram(3)));
        assertTrue(QueueTimes.merge(java.util.List.of()).target().count() == 0);
    }
}
