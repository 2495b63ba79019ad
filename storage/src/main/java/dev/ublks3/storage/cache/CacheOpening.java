package dev.ublks3.storage.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.function.Consumer;

/**
 * Opening a cache directory: lock it, then make a new cache, or load the header's snapshot and replay the WAL,
 * checking that the cache belongs to this device. What it finds is handed to {@link CacheLog}, which checkpoints.
 */
final class CacheOpening {

    private static final SecureRandom IDS = new SecureRandom();

    private CacheOpening() {}

    /** The state a log starts from. */
    record Opened(
            CacheFiles files,
            DirectoryLock lock,
            HeaderFile header,
            SlotFile data,
            CacheIndex index,
            long lastSeq,
            long nextWalNumber) {}

    static Opened open(Path dir, CacheIdentity identity, int slots, Consumer<String> log) throws IOException {
        check(dir, identity, slots);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CacheException(
                    "cache " + dir + " cannot be made (" + e + "): give --cache a directory this" + " user can write",
                    e);
        }
        CacheFiles files = new CacheFiles(dir);
        Consumer<String> said = line -> log.accept("cache " + dir + ": " + line);
        DirectoryLock lock = DirectoryLock.take(files);
        HeaderFile header = null;
        SlotFile data = null;
        try {
            boolean discard = false;
            if (Files.exists(files.header())) {
                header = HeaderFile.open(files);
            } else {
                refuseForeignFiles(files);
                requireRoom(files, identity, slots);
                header = initialize(files, identity, slots, 0, 1, 0);
                said.accept("new cache of " + slots + " slots for " + identity.describe());
            }
            CacheHeader h = header.current();
            CacheIndex index = IndexSnapshot.read(files, h);
            WalReplay replay = WalReplay.run(files, h, index);
            long maxWal = Math.max(
                    replay.lastWal(),
                    files.walNumbers().stream().mapToLong(n -> n).max().orElse(0));
            if (!h.identity().equals(identity) || h.slots() != slots) {
                String wanted = identity.describe() + " (" + slots + " slots)";
                if (index.dirtyGranules() > 0 && h.identity().equals(identity)) {
                    // only the size changed: name the size that opens it, so its dirty objects can be uploaded
                    String made = sizeOf(h.slots(), identity);
                    throw new CacheException("cache " + dir + " holds " + index.dirtySlots() + " dirty objects and"
                            + " was made with " + h.slots() + " slots (--cache-size " + made + "), not " + slots
                            + " (" + sizeOf(slots, identity) + "): add with --cache-size " + made
                            + " and 'ublk-s3 sync' first, then change the size");
                }
                if (index.dirtyGranules() > 0) {
                    throw new CacheException("cache " + dir + " holds " + index.dirtySlots() + " dirty objects of "
                            + h.describe() + ", not of " + wanted + ": run 'ublk-s3 add' with the cache's own"
                            + " bucket/key/object size to upload it, or remove " + dir + " to discard it");
                }
                said.accept("belonged to " + h.describe() + ", nothing dirty: starting empty for " + wanted);
                header.close();
                header = null;
                header = initialize(
                        files, identity, slots, replay.highestSeqWritten(), maxWal + 1, 1 - h.snapshotFile());
                index = new CacheIndex(slots, header.current().granulesPerSlot());
                replay = WalReplay.run(files, header.current(), index);
                maxWal++;
                discard = true;
            }
            data = SlotFile.open(files.data(), (long) slots * identity.objectSize(), discard, said);
            int restored = replay.restore(data);
            if (replay.records() > 0 || replay.stop() != null) {
                said.accept("replayed " + replay.records() + " records up to sequence number " + replay.lastSeq()
                        + (replay.stop() == null ? "" : "; ignored the rest: " + replay.stop())
                        + (restored == 0 ? "" : "; restored " + restored + " torn granules from the WAL"));
            }
            return new Opened(files, lock, header, data, index, replay.highestSeqWritten(), maxWal + 1);
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(e, data, header, lock);
            throw e;
        }
    }

    /** The cache size of {@code slots} objects as --cache-size takes it (a whole number of objects: KiB at least). */
    private static String sizeOf(int slots, CacheIdentity identity) {
        long bytes = (long) slots * identity.objectSize();
        if (bytes % (1L << 40) == 0) {
            return (bytes >> 40) + "T";
        }
        if (bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "G";
        }
        return bytes % (1L << 20) == 0 ? (bytes >> 20) + "M" : (bytes >> 10) + "K";
    }

    private static void check(Path dir, CacheIdentity identity, int slots) throws CacheException {
        if (slots < 1) {
            throw new CacheException("cache " + dir + " of " + slots + " slots: give a cache of at least one object");
        }
        try {
            CacheIndex.granuleCount(slots, identity.granulesPerSlot());
        } catch (IllegalArgumentException e) {
            throw new CacheException("cache " + dir + ": " + e.getMessage());
        }
        if (!CacheHeader.fits(identity)) {
            throw new CacheException("cache " + dir + ": the store and key are too long for the cache header"
                    + " (4 KiB): use a shorter key");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new CacheException(
                    "cache " + dir + " is not a directory: give --cache a directory" + " (it is made if missing)");
        }
    }

    /**
     * A new cache's data file is sparse: a file system too small for it would fail writes once it filled. Refused
     * at once instead, naming the space (an existing cache's file may hold its space already: not checked).
     */
    private static void requireRoom(CacheFiles files, CacheIdentity identity, int slots) throws IOException {
        long need = (long) slots * identity.objectSize() + SpaceReserve.bytes(slots, identity.granulesPerSlot());
        long free = Files.getFileStore(files.dir()).getUsableSpace();
        if (free < need) {
            throw new CacheException("cache " + files.dir() + ": its file system has " + mebibytes(free)
                    + " free, and a cache of " + sizeOf(slots, identity) + " needs " + mebibytes(need)
                    + " (its data and a reserve for checkpoints): give a smaller --cache-size or free space there");
        }
    }

    private static String mebibytes(long bytes) {
        return (bytes >> 20) + " MiB";
    }

    private static void refuseForeignFiles(CacheFiles files) throws IOException {
        List<String> others = files.otherThanLock();
        if (!others.isEmpty()) {
            throw new CacheException("cache " + files.dir() + " holds files ("
                    + String.join(", ", others.subList(0, Math.min(3, others.size())))
                    + (others.size() > 3 ? ", ..." : "")
                    + ") but no cache header: give --cache an empty or new directory (or remove " + files.dir()
                    + " if it is a cache whose creation was cut short)");
        }
    }

    /**
     * Makes a new, empty cache: a new cache id, an empty snapshot in {@code snapshotFile} (one an existing header
     * does not name), WAL {@code walNumber}, then the header, renamed into place last (until then an old header
     * and its files stand).
     */
    private static HeaderFile initialize(
            CacheFiles files, CacheIdentity identity, int slots, long lastSeq, long walNumber, int snapshotFile)
            throws IOException {
        long cacheId = IDS.nextLong();
        IndexSnapshot.Written snapshot = IndexSnapshot.write(
                files.snapshot(snapshotFile),
                CacheIndex.Image.empty(slots, identity.granulesPerSlot()),
                cacheId,
                lastSeq);
        WalSegment.create(files.wal(walNumber), cacheId, walNumber).close();
        return HeaderFile.create(
                files,
                new CacheHeader(
                        1,
                        cacheId,
                        identity,
                        slots,
                        snapshotFile,
                        snapshot.bytes(),
                        snapshot.crc(),
                        lastSeq,
                        walNumber));
    }

    static void closeQuietly(Throwable failure, AutoCloseable... resources) {
        for (AutoCloseable r : resources) {
            if (r != null) {
                try {
                    r.close();
                } catch (Exception e) {
                    failure.addSuppressed(e);
                }
            }
        }
    }
}
