package dev.ublks3.storage.cache;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads the records of one WAL file in order, up to the first one that is cut short or does not decode; says
 * why it stopped ({@link #stop()}, null at a clean end of the file). Sequence numbers are the caller's to check.
 */
final class WalReader implements Closeable {

    private static final int BUFFER_BYTES = 1 << 20;

    private final FileChannel channel;
    private final RecordCodec codec;
    private ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES).flip();
    /** The file offset of the buffer's position: where the next record starts. */
    private long offset;

    private boolean eof;
    private String stop;
    private boolean done;

    WalReader(Path path, long cacheId, long number, RecordCodec codec) throws IOException {
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        this.codec = codec;
        if (!fill(WalSegment.HEADER_BYTES)
                || !WalSegment.validHeader(buffer.slice(0, WalSegment.HEADER_BYTES), cacheId, number)) {
            stop = "has no valid header";
            done = true;
        } else {
            buffer.position(WalSegment.HEADER_BYTES);
            offset = WalSegment.HEADER_BYTES;
        }
    }

    /** The next record, or null when the file ends or a bad record stops the reading. */
    Entry next() throws IOException {
        if (done) {
            return null;
        }
        if (!fill(RecordCodec.LENGTH_BYTES)) {
            return end(buffer.hasRemaining() ? "ends inside a record's length" : null);
        }
        int length = buffer.getInt(buffer.position());
        if (!codec.plausibleLength(length)) {
            return end("has a record of impossible length " + length);
        }
        int frameBytes = RecordCodec.LENGTH_BYTES + length;
        if (!fill(frameBytes)) {
            return end("ends inside a record (" + buffer.remaining() + " of its " + frameBytes + " bytes)");
        }
        RecordCodec.Framed framed;
        try {
            framed = codec.decode(buffer.slice(buffer.position(), frameBytes));
        } catch (RecordCodec.BadRecordException e) {
            return end("has a record that " + e.getMessage());
        }
        long at = offset;
        long dataAt = -1;
        if (framed.record() instanceof CacheRecord.Write w) {
            dataAt = at + RecordCodec.HEAD_BYTES + 12 + 4L * w.crcs().length;
        }
        buffer.position(buffer.position() + frameBytes);
        offset += frameBytes;
        return new Entry(at, framed.seq(), framed.record(), dataAt);
    }

    private Entry end(String why) {
        stop = why;
        done = true;
        return null;
    }

    /** Why reading stopped before the end of the file, or null when it reached the end cleanly. */
    String stop() {
        return stop;
    }

    /** The offset just after the last good record (or the header). */
    long goodBytes() {
        return offset;
    }

    /** Makes at least {@code bytes} bytes available from the buffer's position; false when the file ends first. */
    private boolean fill(int bytes) throws IOException {
        if (buffer.remaining() >= bytes) {
            return true;
        }
        if (buffer.capacity() < bytes) {
            ByteBuffer larger = ByteBuffer.allocate(Math.max(bytes, buffer.capacity() * 2));
            larger.put(buffer).flip();
            buffer = larger;
        }
        buffer.compact();
        while (!eof && buffer.position() < bytes) {
            if (channel.read(buffer) < 0) {
                eof = true;
            }
        }
        buffer.flip();
        return buffer.remaining() >= bytes;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /**
     * A record read: its offset in the file, sequence number, the record (a Write's data is a view of the reader's
     * buffer, valid until the next call), and for a Write the file offset of its data (else -1).
     */
    record Entry(long offset, long seq, CacheRecord record, long dataOffset) {}
}
