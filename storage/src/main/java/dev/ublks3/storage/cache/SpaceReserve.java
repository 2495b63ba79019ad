package dev.ublks3.storage.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * A file of written zeros that holds disk space for one checkpoint (a new WAL file and a snapshot of every slot).
 * When the cache's file system is full, a checkpoint is what frees space (it retires the WAL files), yet it needs
 * some space itself: the reserve is deleted just before it and written again after.
 */
final class SpaceReserve {

    private static final int CHUNK = 1 << 16;

    private final Path path;
    private final long bytes;
    private final Consumer<String> log;
    private boolean held;
    /** Said that it cannot be restored; said again only after it was restored once. */
    private boolean complained;

    private SpaceReserve(Path path, long bytes, Consumer<String> log) {
        this.path = path;
        this.bytes = bytes;
        this.log = log;
    }

    /** The reserve for a cache of {@code slots} slots of {@code granulesPerSlot} granules; made if missing. */
    static SpaceReserve open(Path path, int slots, int granulesPerSlot, Consumer<String> log) {
        SpaceReserve reserve = new SpaceReserve(path, bytes(slots, granulesPerSlot), log);
        reserve.restore();
        return reserve;
    }

    /** The reserve's size: a full snapshot and a chunk for the new WAL file, in whole chunks. */
    static long bytes(int slots, int granulesPerSlot) {
        long bytes = IndexSnapshot.maxBytes(slots, granulesPerSlot) + CHUNK;
        return (bytes + CHUNK - 1) / CHUNK * CHUNK;
    }

    /** Frees the space for the checkpoint about to run. */
    void release() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.accept("deleting the space reserve " + path + " failed: " + e.getMessage());
        }
        held = false;
    }

    /** Writes the reserve again, if it is not held; says why when it cannot (the disk is still full), once. */
    void restore() {
        if (held) {
            return;
        }
        try (FileChannel channel =
                FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (channel.size() != bytes) {
                // zeros written, not a length set: a sparse file would hold no space at all
                ByteBuffer zeros = ByteBuffer.allocate(CHUNK);
                for (long at = 0; at < bytes; at += CHUNK) {
                    FileIo.writeFully(channel, zeros.clear().limit((int) Math.min(CHUNK, bytes - at)), at);
                }
                channel.truncate(bytes);
                channel.force(true);
            }
            held = true;
            complained = false;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // the next restore tries again
            }
            if (complained) {
                return;
            }
            complained = true;
            log.accept("no room for the " + bytes + "-byte space reserve (" + e.getMessage()
                    + "): a checkpoint on a full disk may fail; free space on the cache's file system");
        }
    }
}
