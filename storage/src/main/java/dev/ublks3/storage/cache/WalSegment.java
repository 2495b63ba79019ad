package dev.ublks3.storage.cache;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One WAL file, {@code wal.N}: a 32-byte header (magic, version, cache id, N, CRC32C), then records. Appends happen
 * under the log's lock; {@link #force} may run concurrently with them (it syncs what was appended before it).
 */
final class WalSegment implements Closeable {

    static final int HEADER_BYTES = 32;
    private static final long MAGIC = 0x55424c4b53335741L; // "UBLKS3WA"
    private static final int VERSION = 1;

    final long number;
    private final FileChannel channel;
    private long size;
    /** The sequence number of the last record appended here; written under the log's lock. */
    private volatile long appendedSeq;
    /** The last sequence number made durable by {@link #force}; touched by one sync leader at a time. */
    private volatile long forcedSeq;
    /** Set once a checkpoint covers every record here: a force that meets the closed channel then has nothing to do. */
    private volatile boolean retired;

    private WalSegment(long number, FileChannel channel, long size) {
        this.number = number;
        this.channel = channel;
        this.size = size;
    }

    /** Creates {@code path} (replacing a file there) with its header, synced; the caller syncs the directory. */
    static WalSegment create(Path path, long cacheId, long number) throws IOException {
        FileChannel channel = FileChannel.open(
                path,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            FileIo.writeFully(channel, header(cacheId, number), 0);
            channel.force(true);
            return new WalSegment(number, channel, HEADER_BYTES);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    static ByteBuffer header(long cacheId, long number) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        header.putLong(MAGIC).putInt(VERSION).putLong(cacheId).putLong(number);
        header.putInt(Crc.of(header.array(), 0, header.position()));
        return header.flip();
    }

    /** Whether {@code header} (32 bytes) is the header of WAL {@code number} of cache {@code cacheId}. */
    static boolean validHeader(ByteBuffer header, long cacheId, long number) {
        return header.remaining() == HEADER_BYTES && header.equals(header(cacheId, number));
    }

    long size() {
        return size;
    }

    /**
     * Appends one record's frame at the end. On failure the file is cut back to where it was, so that no later
     * record ever follows a torn one; if even that fails, the exception says so and the log must stop appending.
     */
    void append(ByteBuffer[] frame, long seq) throws IOException {
        long start = size;
        long end = start;
        for (ByteBuffer part : frame) {
            end += part.remaining();
        }
        try {
            long at = start;
            for (ByteBuffer part : frame) {
                FileIo.writeFully(channel, part, at);
                at += part.remaining();
            }
        } catch (IOException e) {
            try {
                channel.truncate(start);
            } catch (IOException cut) {
                e.addSuppressed(cut);
                throw new TornWalException(
                        "cache wal." + number + " could not be cut back to " + start + " bytes after a failed append: "
                                + e.getMessage(),
                        e);
            }
            throw e;
        }
        size = end;
        appendedSeq = seq;
    }

    long appendedSeq() {
        return appendedSeq;
    }

    /** fdatasync when records were appended since the last one; returns whether it synced. */
    boolean force() throws IOException {
        long target = appendedSeq;
        if (target <= forcedSeq) {
            return false;
        }
        try {
            channel.force(false);
        } catch (ClosedChannelException e) {
            if (retired) {
                return false;
            }
            throw e;
        }
        forcedSeq = target;
        return true;
    }

    /** Marks every record here as covered by a durable checkpoint, then closes the file. */
    void retire() throws IOException {
        retired = true;
        channel.close();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** An append failed and left a torn record behind: nothing may be appended after it. */
    static final class TornWalException extends IOException {
        TornWalException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
