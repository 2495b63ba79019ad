package dev.ublks3.storage.cache;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** The data file: the slots' bytes, {@code objectSize} bytes per slot. */
final class SlotFile implements Closeable {

    private final FileChannel channel;
    private final AtomicLong errors = new AtomicLong();

    private SlotFile(FileChannel channel) {
        this.channel = channel;
    }

    /**
     * Opens (creating if missing) the data file and gives it {@code bytes} bytes. The length is set, not written
     * with zeros: zeroing a 10 GiB cache would take minutes at every new cache, and the file system then takes
     * blocks as slots fill (a full disk is an I/O error of the write that needs the space, never a silent loss).
     * Says through {@code log} when it set the length. {@code discard} drops the bytes held first.
     */
    static SlotFile open(Path path, long bytes, boolean discard, Consumer<String> log) throws IOException {
        FileChannel channel =
                FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long had = channel.size();
            if (discard && had > 0) {
                channel.truncate(0);
                had = 0;
            }
            if (had != bytes) {
                if (had > bytes) {
                    channel.truncate(bytes);
                } else {
                    FileIo.writeFully(channel, ByteBuffer.allocate(1), bytes - 1);
                }
                log.accept("data file set to " + bytes + " bytes (sparse: length set, no zeros written;"
                        + " disk space is taken as slots fill)");
            }
            return new SlotFile(channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Writes {@code data}'s remaining bytes at {@code position}, leaving {@code data} as it was. */
    void write(long position, ByteBuffer data) throws IOException {
        try {
            FileIo.writeFully(channel, data, position);
        } catch (IOException e) {
            errors.incrementAndGet();
            throw e;
        }
    }

    /** Fills {@code into}'s remaining bytes from {@code position}, leaving {@code into}'s position as it was. */
    void read(long position, ByteBuffer into) throws IOException {
        int read;
        try {
            read = FileIo.readFully(channel, into, position);
        } catch (IOException e) {
            errors.incrementAndGet();
            throw e;
        }
        if (read < into.remaining()) {
            errors.incrementAndGet();
            throw new EOFException("cache data file ends at " + channel.size() + " bytes, before "
                    + (position + into.remaining()) + ": the cache was cut short; remove its directory");
        }
    }

    void force() throws IOException {
        try {
            channel.force(false);
        } catch (IOException e) {
            errors.incrementAndGet();
            throw e;
        }
    }

    /** Reads, writes and syncs that failed. */
    long errors() {
        return errors.get();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
