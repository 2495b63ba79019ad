package dev.ublks3.storage.cache;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The header file: two 4 KiB copies, the next header always written over the older copy (generation parity), so
 * a torn header write leaves the other copy whole. A new header file is written aside and renamed into place,
 * so the file exists only with a valid copy in it.
 */
final class HeaderFile implements Closeable {

    private final FileChannel channel;
    private CacheHeader current;

    private HeaderFile(FileChannel channel, CacheHeader current) {
        this.channel = channel;
        this.current = current;
    }

    CacheHeader current() {
        return current;
    }

    /** Replaces (or creates) the header file with one holding only {@code first}, durably. */
    static HeaderFile create(CacheFiles files, CacheHeader first) throws IOException {
        try (FileChannel temp = FileChannel.open(
                files.headerTemp(),
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            writeCopy(temp, first);
            long other = (1 - first.generation() % 2) * CacheHeader.COPY_BYTES;
            FileIo.writeFully(temp, ByteBuffer.allocate(CacheHeader.COPY_BYTES), other);
            temp.force(true);
        }
        Files.move(
                files.headerTemp(),
                files.header(),
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        files.syncDirectory();
        return new HeaderFile(
                FileChannel.open(files.header(), StandardOpenOption.READ, StandardOpenOption.WRITE), first);
    }

    /** Opens the header file; the newest valid copy counts. Refuses a file without one. */
    static HeaderFile open(CacheFiles files) throws IOException {
        FileChannel channel = FileChannel.open(files.header(), StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            CacheHeader best = null;
            for (int i = 0; i < 2; i++) {
                ByteBuffer copy = ByteBuffer.allocate(CacheHeader.COPY_BYTES);
                boolean whole = FileIo.readFully(channel, copy, (long) i * CacheHeader.COPY_BYTES) == copy.capacity();
                CacheHeader h = whole ? CacheHeader.decode(copy) : null;
                if (h != null && (best == null || h.generation() > best.generation())) {
                    best = h;
                }
            }
            if (best == null) {
                throw new CacheException("cache " + files.dir() + " has no valid header (both copies fail their"
                        + " CRC32C): the cache is damaged; remove " + files.dir() + " to discard it");
            }
            return new HeaderFile(channel, best);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Writes {@code next} (one generation on) over the older copy and syncs it. */
    void write(CacheHeader next) throws IOException {
        writeCopy(channel, next);
        channel.force(false);
        current = next;
    }

    private static void writeCopy(FileChannel channel, CacheHeader header) throws IOException {
        FileIo.writeFully(channel, header.encode(), (header.generation() % 2) * CacheHeader.COPY_BYTES);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
