package dev.ublks3.storage.cache;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * A snapshot file: the index at a checkpoint. Fields: magic, version, cache id, slots, granules per slot, the
 * last sequence number it includes, the count of slots holding a block, then for each such slot its number,
 * block, last write, oldest dirty sequence, granule states and CRC32Cs. The header holds its length and CRC32C;
 * a snapshot that does not match them is never loaded.
 */
final class IndexSnapshot {

    private static final long MAGIC = 0x55424c4b5333534eL; // "UBLKS3SN"
    private static final int VERSION = 1;

    private IndexSnapshot() {}

    /** What the header records about a snapshot written. */
    record Written(long bytes, int crc) {}

    /** The size of a snapshot of a full index: every slot holds a block. */
    static long maxBytes(int slots, int granulesPerSlot) {
        return 40 + (long) slots * (28 + 5L * granulesPerSlot);
    }

    /** Writes {@code image} to {@code path} (replacing it) and syncs it. */
    static Written write(Path path, CacheIndex.Image image, long cacheId, long lastSeq) throws IOException {
        try (FileChannel channel = FileChannel.open(
                path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            CRC32C crc = new CRC32C();
            CountingStream counted = new CountingStream(Channels.newOutputStream(channel));
            DataOutputStream out =
                    new DataOutputStream(new BufferedOutputStream(new CheckedOutputStream(counted, crc), 1 << 16));
            int gps = image.granulesPerSlot();
            int held = (int) Arrays.stream(image.blockOf()).filter(b -> b >= 0).count();
            out.writeLong(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(cacheId);
            out.writeInt(image.slots());
            out.writeInt(gps);
            out.writeLong(lastSeq);
            out.writeInt(held);
            for (int slot = 0; slot < image.slots(); slot++) {
                if (image.blockOf()[slot] < 0) {
                    continue;
                }
                out.writeInt(slot);
                out.writeLong(image.blockOf()[slot]);
                out.writeLong(image.lastWrite()[slot]);
                out.writeLong(image.oldestDirty()[slot]);
                out.write(image.states(), slot * gps, gps);
                for (int g = 0; g < gps; g++) {
                    out.writeInt(image.crcs()[slot * gps + g]);
                }
            }
            out.flush();
            channel.force(true);
            return new Written(counted.bytes, (int) crc.getValue());
        }
    }

    /**
     * Reads the snapshot {@code header} names into a new index: checks its length and CRC32C first, then that it
     * belongs to this cache and is well formed. Refuses (CacheException naming the fix) when it is not.
     */
    static CacheIndex read(CacheFiles files, CacheHeader header) throws IOException {
        Path path = files.snapshot(header.snapshotFile());
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            if (channel.size() < header.snapshotBytes()
                    || crcOf(channel, header.snapshotBytes()) != header.snapshotCrc()) {
                throw damaged(files, path, "does not match the CRC32C the header holds");
            }
            DataInputStream in =
                    new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel.position(0)), 1 << 16));
            int gps = header.granulesPerSlot();
            if (in.readLong() != MAGIC
                    || in.readInt() != VERSION
                    || in.readLong() != header.cacheId()
                    || in.readInt() != header.slots()
                    || in.readInt() != gps
                    || in.readLong() != header.lastSeq()) {
                throw damaged(files, path, "belongs to another cache or checkpoint");
            }
            int held = in.readInt();
            CacheIndex.Image image = CacheIndex.Image.empty(header.slots(), gps);
            int previous = -1;
            for (int i = 0; i < held; i++) {
                int slot = in.readInt();
                if (slot <= previous || slot >= header.slots()) {
                    throw damaged(files, path, "lists slot " + slot + " out of order");
                }
                previous = slot;
                image.blockOf()[slot] = in.readLong();
                image.lastWrite()[slot] = in.readLong();
                image.oldestDirty()[slot] = in.readLong();
                in.readFully(image.states(), slot * gps, gps);
                for (int g = 0; g < gps; g++) {
                    image.crcs()[slot * gps + g] = in.readInt();
                }
            }
            try {
                return new CacheIndex(image);
            } catch (IllegalArgumentException e) {
                throw damaged(files, path, "does not make an index (" + e.getMessage() + ")");
            }
        }
    }

    private static int crcOf(FileChannel channel, long bytes) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
        for (long at = 0; at < bytes; ) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), bytes - at));
            int read = FileIo.readFully(channel, buffer, at);
            buffer.limit(read);
            crc.update(buffer);
            at += read;
            if (read == 0) {
                break;
            }
        }
        return (int) crc.getValue();
    }

    private static CacheException damaged(CacheFiles files, Path path, String why) {
        return new CacheException("cache " + files.dir() + ": " + path.getFileName() + " " + why
                + ": the cache is damaged; remove " + files.dir() + " to discard it (its dirty data is lost)");
    }

    /** Counts the bytes written through it. */
    private static final class CountingStream extends FilterOutputStream {
        long bytes;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            bytes += len;
        }
    }
}
