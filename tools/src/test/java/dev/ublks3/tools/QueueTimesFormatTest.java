package dev.ublks3.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ublks3.ublk.QueueTimes;
import dev.ublks3.ublk.UblkOp;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The queue threads' times as {@code ublk-s3 stats} prints them, after the storage stack's. */
class QueueTimesFormatTest {

    private static final QueueTimes.Hop ZERO = new QueueTimes.Hop(0, 0, 0, 0, 0, 0);

    private static QueueTimes.Snapshot times() {
        Map<UblkOp, QueueTimes.OpTimes> ops = new EnumMap<>(UblkOp.class);
        for (UblkOp op : UblkOp.values()) ops.put(op, new QueueTimes.OpTimes(ZERO, ZERO, ZERO));
        ops.put(
                UblkOp.READ,
                new QueueTimes.OpTimes(
                        new QueueTimes.Hop(3, 20_000_000, 30_000_000, 31_000_000, 31_000_000, 25_000_000.4),
                        new QueueTimes.Hop(3, 1_000_000, 2_000_000, 3_000_000, 3_000_000, 2_000_000),
                        new QueueTimes.Hop(3, 40_000, 90_000, 120_000, 120_000, 60_000)));
        return new QueueTimes.Snapshot(ops);
    }

    @Test
    void textLinesInSecondsForTheOperationsThatHappened() {
        assertEquals("""
                queue read: 3 requests
                  target: p50 0.020000 s, p90 0.030000 s, p99 0.031000 s, max 0.031000 s, mean 0.025000 s
                  in handle, on the queue thread: p50 0.001000 s, p90 0.002000 s, p99 0.003000 s, max 0.003000 s, mean 0.002000 s
                  return to queue thread: p50 0.000040 s, p90 0.000090 s, p99 0.000120 s, max 0.000120 s, mean 0.000060 s""", DeviceServer.queueTimesText(times()).replace(System.lineSeparator(), "\n"));
    }

    @Test
    void jsonMemberAddedToTheStorageObjectWithEveryOperation() {
        String zero = "{\"count\": 0, \"p50\": 0, \"p90\": 0, \"p99\": 0, \"max\": 0, \"mean\": 0}";
        String zeros = "{\"target_ns\": " + zero + ", \"handle_ns\": " + zero + ", \"return_ns\": " + zero + "}";
        assertEquals(
                "{\n  \"elapsed_ns\": 5,\n  \"queue\": {"
                        + "\n    \"read\": {\"target_ns\": {\"count\": 3, \"p50\": 20000000, \"p90\": 30000000, \"p99\": 31000000, "
                        + "\"max\": 31000000, \"mean\": 25000000}, \"handle_ns\": {\"count\": 3, \"p50\": 1000000, \"p90\": 2000000, "
                        + "\"p99\": 3000000, \"max\": 3000000, \"mean\": 2000000}, \"return_ns\": {\"count\": 3, \"p50\": 40000, \"p90\": 90000, "
                        + "\"p99\": 120000, \"max\": 120000, \"mean\": 60000}},"
                        + "\n    \"write\": " + zeros + ",\n    \"flush\": " + zeros + ",\n    \"discard\": " + zeros
                        + ",\n    \"write_zeroes\": " + zeros + "\n  }\n}",
                DeviceServer.withQueueTimes("{\n  \"elapsed_ns\": 5\n}", times()));
    }
}
