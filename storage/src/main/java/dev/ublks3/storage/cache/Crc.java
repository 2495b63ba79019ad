package dev.ublks3.storage.cache;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** CRC32C of buffers and granules, leaving every buffer's position as it was. */
final class Crc {

    private Crc() {}

    static int of(ByteBuffer bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes.duplicate());
        return (int) crc.getValue();
    }

    static int of(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    /** The CRC32C of each {@code granule}-byte piece of {@code data}'s remaining bytes. */
    static int[] ofGranules(ByteBuffer data, int granule) {
        int[] crcs = new int[data.remaining() / granule];
        ByteBuffer piece = data.duplicate();
        for (int i = 0; i < crcs.length; i++) {
            piece.limit(data.position() + (i + 1) * granule).position(data.position() + i * granule);
            crcs[i] = of(piece);
        }
        return crcs;
    }
}
