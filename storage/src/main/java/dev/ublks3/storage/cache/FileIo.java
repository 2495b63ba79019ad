package dev.ublks3.storage.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Whole positional reads and writes: a FileChannel call may move fewer bytes than asked. */
final class FileIo {

    private FileIo() {}

    /** Writes all of {@code from}'s remaining bytes at {@code position}; {@code from} itself is not moved. */
    static void writeFully(FileChannel channel, ByteBuffer from, long position) throws IOException {
        ByteBuffer b = from.duplicate();
        while (b.hasRemaining()) {
            channel.write(b, position + b.position() - from.position());
        }
    }

    /**
     * Fills {@code into}'s remaining bytes from {@code position}; {@code into} itself is not moved. Returns the
     * bytes read, fewer than asked only when the file ends first.
     */
    static int readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        ByteBuffer b = into.duplicate();
        while (b.hasRemaining()) {
            if (channel.read(b, position + b.position() - into.position()) < 0) {
                break;
            }
        }
        return b.position() - into.position();
    }
}
