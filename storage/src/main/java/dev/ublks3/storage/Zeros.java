package dev.ublks3.storage;

import java.nio.ByteBuffer;

/** Zeroing buffers in 64 KiB steps, from one shared array of zeros. */
final class Zeros {

    private static final byte[] ZEROS = new byte[64 << 10];

    private Zeros() {}

    /** Sets {@code buffer}'s remaining bytes to zero; its position is left alone. */
    static void fill(ByteBuffer buffer) {
        ByteBuffer target = buffer.duplicate();
        while (target.hasRemaining()) {
            target.put(ZEROS, 0, Math.min(ZEROS.length, target.remaining()));
        }
    }
}
