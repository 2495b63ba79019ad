package dev.ublks3.storage.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The WAL's record frame: every type round-trips, and a flipped bit anywhere in a frame is detected. */
class RecordCodecTest {

    private static final int SLOTS = 10;
    private static final int GRANULES = 4;
    private static final int GRANULE = 512;
    private final RecordCodec codec = new RecordCodec(SLOTS, GRANULES, GRANULE);

    private static List<CacheRecord> everyType() {
        byte[] data = new byte[2 * GRANULE];
        new Random(3).nextBytes(data);
        return List.of(
                new CacheRecord.Assign(9, 0x1234_5678_9abcL),
                new CacheRecord.Write(3, 2, new int[] {0xdeadbeef, 7}, ByteBuffer.wrap(data)),
                new CacheRecord.Fill(0, 1, new int[] {1, -2, 3}),
                new CacheRecord.Clean(5, 1L << 40),
                new CacheRecord.Free(7));
    }

    private static ByteBuffer frame(ByteBuffer[] parts) {
        ByteBuffer whole = ByteBuffer.allocate(parts[0].remaining() + parts[1].remaining());
        whole.put(parts[0].duplicate()).put(parts[1].duplicate());
        return whole.flip();
    }

    @Test
    void everyTypeRoundTrips() throws Exception {
        long seq = 41;
        for (CacheRecord r : everyType()) {
            RecordCodec.Framed back = codec.decode(frame(codec.encode(seq, r)));
            assertEquals(seq, back.seq());
            assertEquals(r, back.record());
            seq++;
        }
    }

    @Test
    void aFlippedBitAnywhereIsDetected() {
        for (CacheRecord r : everyType()) {
            byte[] frame = frame(codec.encode(77, r)).array();
            for (int bit = 0; bit < frame.length * 8; bit++) {
                byte[] flipped = frame.clone();
                flipped[bit / 8] ^= (byte) (1 << (bit % 8));
                int at = bit;
                assertThrows(
                        RecordCodec.BadRecordException.class,
                        () -> codec.decode(ByteBuffer.wrap(flipped)),
                        () -> r + " with bit " + at + " flipped decoded");
            }
        }
    }

    @Test
    void fieldsOutsideTheCacheDoNotDecode() {
        // CRC-valid frames a bug could write: each names something this cache does not have
        List<CacheRecord> outside = List.of(
                new CacheRecord.Assign(SLOTS, 1),
                new CacheRecord.Assign(0, -1),
                new CacheRecord.Fill(0, GRANULES - 1, new int[] {1, 2}),
                new CacheRecord.Clean(0, -5),
                new CacheRecord.Free(-1));
        for (CacheRecord r : outside) {
            assertThrows(
                    RecordCodec.BadRecordException.class, () -> codec.decode(frame(codec.encode(1, r))), r::toString);
        }
        // a Write whose data is not its granule count's worth
        CacheRecord.Write short1 = new CacheRecord.Write(0, 0, new int[] {1, 2}, ByteBuffer.allocate(GRANULE));
        assertThrows(RecordCodec.BadRecordException.class, () -> codec.decode(frame(codec.encode(1, short1))));
    }
}
