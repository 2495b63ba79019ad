package dev.ublks3.storage.cache;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The WAL's record frame: length (of everything after it), CRC32C (of everything after it), sequence number,
 * type, payload. Payloads, big-endian: Assign slot, block; Write slot, first granule, count, count CRC32Cs, count
 * granules of data; Fill the same without the data; Clean slot, upTo; Free slot. Decoding checks the CRC32C and
 * that every field fits this cache's slots and granules, so a record that decodes can be applied.
 *
 * @param slots           the cache's slots
 * @param granulesPerSlot granules in a slot
 * @param granule         bytes in a granule
 */
record RecordCodec(int slots, int granulesPerSlot, int granule) {

    static final int LENGTH_BYTES = 4;
    /** Length, CRC32C, sequence number, type. */
    static final int HEAD_BYTES = 4 + 4 + 8 + 1;
    /** The smallest frame: a Free. */
    static final int MIN_FRAME_BYTES = HEAD_BYTES + 4;

    private static final byte ASSIGN = 1;
    private static final byte WRITE = 2;
    private static final byte FILL = 3;
    private static final byte CLEAN = 4;
    private static final byte FREE = 5;

    /** The largest frame: a Write of a whole slot. */
    int maxFrameBytes() {
        return HEAD_BYTES + 12 + granulesPerSlot * (4 + granule);
    }

    /** The frame of {@code r} as two buffers: the head and fields, then a Write's data (else empty). */
    ByteBuffer[] encode(long seq, CacheRecord r) {
        ByteBuffer data = r instanceof CacheRecord.Write w ? w.data().duplicate() : ByteBuffer.allocate(0);
        ByteBuffer head = ByteBuffer.allocate(HEAD_BYTES + fieldBytes(r));
        head.position(LENGTH_BYTES + 4).putLong(seq);
        switch (r) {
            case CacheRecord.Assign a -> head.put(ASSIGN).putInt(a.slot()).putLong(a.block());
            case CacheRecord.Write w -> putGranules(head.put(WRITE), w.slot(), w.firstGranule(), w.crcs());
            case CacheRecord.Fill f -> putGranules(head.put(FILL), f.slot(), f.firstGranule(), f.crcs());
            case CacheRecord.Clean c -> head.put(CLEAN).putInt(c.slot()).putLong(c.upTo());
            case CacheRecord.Free f -> head.put(FREE).putInt(f.slot());
        }
        CRC32C crc = new CRC32C();
        crc.update(head.array(), LENGTH_BYTES + 4, head.capacity() - LENGTH_BYTES - 4);
        crc.update(data.duplicate());
        head.putInt(0, head.capacity() - LENGTH_BYTES + data.remaining());
        head.putInt(LENGTH_BYTES, (int) crc.getValue());
        return new ByteBuffer[] {head.flip(), data};
    }

    private static int fieldBytes(CacheRecord r) {
        return switch (r) {
            case CacheRecord.Assign _ -> 12;
            case CacheRecord.Write w -> 12 + 4 * w.crcs().length;
            case CacheRecord.Fill f -> 12 + 4 * f.crcs().length;
            case CacheRecord.Clean _ -> 12;
            case CacheRecord.Free _ -> 4;
        };
    }

    private static void putGranules(ByteBuffer head, int slot, int first, int[] crcs) {
        head.putInt(slot).putInt(first).putInt(crcs.length);
        for (int crc : crcs) {
            head.putInt(crc);
        }
    }

    /** Whether a frame whose length field says {@code length} can be one of this cache's records. */
    boolean plausibleLength(int length) {
        return length >= MIN_FRAME_BYTES - LENGTH_BYTES && length <= maxFrameBytes() - LENGTH_BYTES;
    }

    /**
     * Decodes the frame in {@code frame} (from its length field to its limit, which the length field must name).
     * A Write's data is a view of {@code frame}: copy it before reusing the buffer.
     */
    Framed decode(ByteBuffer frame) throws BadRecordException {
        ByteBuffer in = frame.duplicate();
        int length = in.getInt();
        if (!plausibleLength(length) || length != in.remaining()) {
            throw new BadRecordException("has an impossible length " + length);
        }
        int stored = in.getInt();
        CRC32C crc = new CRC32C();
        crc.update(in.duplicate());
        if ((int) crc.getValue() != stored) {
            throw new BadRecordException("fails its CRC32C");
        }
        long seq = in.getLong();
        byte type = in.get();
        CacheRecord r = switch (type) {
            case ASSIGN -> {
                exactly(in, 12);
                yield new CacheRecord.Assign(slot(in.getInt()), notNegative(in.getLong(), "assigns negative block "));
            }
            case WRITE, FILL -> {
                if (in.remaining() < 12) {
                    throw new BadRecordException("is too short for its type");
                }
                int slot = slot(in.getInt());
                int first = in.getInt();
                int count = in.getInt();
                if (first < 0 || count < 1 || count > granulesPerSlot - first) {
                    throw new BadRecordException("names granules " + first + " +" + count + " outside a slot");
                }
                exactly(in, 4 * count + (type == WRITE ? count * granule : 0));
                int[] crcs = new int[count];
                for (int i = 0; i < count; i++) {
                    crcs[i] = in.getInt();
                }
                yield type == WRITE
                        ? new CacheRecord.Write(slot, first, crcs, in.slice())
                        : new CacheRecord.Fill(slot, first, crcs);
            }
            case CLEAN -> {
                exactly(in, 12);
                yield new CacheRecord.Clean(
                        slot(in.getInt()), notNegative(in.getLong(), "cleans up to negative sequence "));
            }
            case FREE -> {
                exactly(in, 4);
                yield new CacheRecord.Free(slot(in.getInt()));
            }
            default -> throw new BadRecordException("has unknown type " + type);
        };
        return new Framed(seq, r);
    }

    private int slot(int slot) throws BadRecordException {
        if (slot < 0 || slot >= slots) {
            throw new BadRecordException("names slot " + slot + " of " + slots);
        }
        return slot;
    }

    /** {@code value}, a block or sequence number; a negative one is refused, {@code what} naming it. */
    private static long notNegative(long value, String what) throws BadRecordException {
        if (value < 0) {
            throw new BadRecordException(what + value);
        }
        return value;
    }

    private static void exactly(ByteBuffer in, int bytes) throws BadRecordException {
        if (in.remaining() != bytes) {
            throw new BadRecordException("has " + in.remaining() + " payload bytes where its type needs " + bytes);
        }
    }

    /** A decoded record and its sequence number. */
    record Framed(long seq, CacheRecord record) {}

    /** Why a frame is not a record of this cache: the words after "the record". */
    static final class BadRecordException extends Exception {
        BadRecordException(String why) {
            super(why, null, false, false);
        }
    }
}
