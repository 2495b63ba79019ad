package dev.ublks3.storage;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The block device view of a bucket, byte-compatible with nbdkit's S3 plugin: object {@code n} (bytes
 * {@code n*objectSize ..}) is the key {@code key + "/" + "%016x".formatted(n)}, a missing object reads as zeros.
 *
 * <ul>
 *   <li>A request is split at object boundaries and the parts run concurrently: one ranged GET per object read,
 *       one PUT per whole object written, GET + patch + PUT (read-modify-write) per partial object; an object
 *       written a moment ago is patched from the copy held in memory ({@link RecentObjects}), with no GET, and an
 *       object known to be absent ({@link ObjectPresence}: this map deleted it, or one LIST per 1000 objects, the
 *       first time a partial write needs to know, unless {@link ObjectMapOptions#listPresence()} is off) is written
 *       as the data padded with zeros, with no GET. A read GETs, unless this map deleted the object itself: a LIST
 *       that does not show an object is never taken for its absence by a read. Partial writes in flight hold whole
 *       objects: at most {@link ObjectMapOptions#partialWriteBytes()} of them, the next ones wait their turn
 *       ({@link ObjectPatcher}).</li>
 *   <li>Mutations of one object (write, read-modify-write, delete) run one after another in the order they were
 *       issued; different objects proceed concurrently. A read waits for the mutations issued before it on its
 *       object (read-your-writes). {@link MutationOrder} keeps that order.</li>
 *   <li>Trim deletes only whole objects inside the range, found by a scoped LIST (prefix {@code key/}, start-after
 *       the key before the first block) that stops past the last block, and deleted with DeleteObjects in batches
 *       of at most 1000; a LIST page out of S3's order fails the trim ({@link ListingOrder}). Only keys of exactly
 *       16 lower-case hex digits are touched. The deletion is ordered with the objects' other mutations through a
 *       range barrier: it waits for the mutations queued on objects of the range before it, and mutations or reads
 *       of the range issued after it wait for it.</li>
 *   <li>Zero writes zeros into the partial objects at the ends (a missing one stays missing: it already reads as
 *       zeros) and deletes the whole objects like trim.</li>
 *   <li>All-zero objects written by {@link #write} are stored as written, like nbdkit (no zero detection).</li>
 *   <li>Opening sends no request and keeps per-object state only for objects used lately, bounded
 *       ({@link RecentObjects}, {@link ObjectPresence}): a 50 TiB device costs nothing until used.</li>
 * </ul>
 */
public final class ObjectMap implements BlockDevice {

    public static final int MIN_OBJECT_SIZE = 4096;
    public static final int MAX_OBJECT_SIZE = 32 << 20;
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final ObjectStore store;
    private final String key;
    private final String prefix;
    private final long size;
    private final int objectSize;
    private final int shift;
    private final long mask;
    /** Copies of objects just written, so the next partial write of one needs no GET. */
    private final RecentObjects recent;
    /** Which objects exist, for the chunks of objects used lately, so a partial write of an absent one needs no GET. */
    private final ObjectPresence presence;

    private final ObjectPatcher patcher;
    /** The stored keys of a range of blocks, by scoped LIST pages, for trim and the presence listing. */
    private final BlockKeyWalk keyWalk;

    private final BlockDeletion deletion;
    /** Mutations of one object in issue order, reads after them, trims and zeroes as range barriers. */
    private final MutationOrder order = new MutationOrder();

    /**
     * @param store      the bucket
     * @param key        the key prefix, used exactly as given (nbdkit's {@code key=}); objects are {@code key/NNN..}
     * @param size       the device size in bytes, a multiple of {@code objectSize}
     * @param objectSize a power of two from 4 KiB to 32 MiB
     * @throws IllegalArgumentException with a one-line message naming the bad value
     */
    public ObjectMap(ObjectStore store, String key, long size, int objectSize) {
        this(store, key, size, objectSize, ObjectMapOptions.DEFAULT);
    }

    /** With {@code recentBytes} for copies of objects just written ({@link ObjectMapOptions#recentBytes()}). */
    public ObjectMap(ObjectStore store, String key, long size, int objectSize, long recentBytes) {
        this(store, key, size, objectSize, ObjectMapOptions.DEFAULT.withRecentBytes(recentBytes));
    }

    public ObjectMap(ObjectStore store, String key, long size, int objectSize, ObjectMapOptions options) {
        validate(key, size, objectSize);
        this.store = Objects.requireNonNull(store, "store");
        this.key = key;
        this.prefix = key + "/";
        this.size = size;
        this.objectSize = objectSize;
        this.shift = Integer.numberOfTrailingZeros(objectSize);
        this.mask = objectSize - 1L;
        this.keyWalk = new BlockKeyWalk(store, prefix, this::objectKey);
        this.deletion = new BlockDeletion(store, this::objectKey, keyWalk);
        this.recent = new RecentObjects(options.recentBytes(), objectSize);
        this.presence = new ObjectPresence(ObjectPresence.DEFAULT_MAX_CHUNKS, options.listPresence());
        this.patcher = new ObjectPatcher(
                store, this::objectKey, objectSize, recent, presence, this::listChunk, options.partialWriteBytes());
    }

    /** Checks a device geometry without opening anything; throws IllegalArgumentException naming the problem. */
    public static void validate(String key, long size, int objectSize) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("key is empty: give the key prefix of the device's objects");
        }
        if (objectSize < MIN_OBJECT_SIZE || objectSize > MAX_OBJECT_SIZE || Integer.bitCount(objectSize) != 1) {
            throw new IllegalArgumentException(
                    "object-size " + objectSize + " must be a power of two from 4K (4096) to 32M (33554432) bytes");
        }
        if (size <= 0) {
            throw new IllegalArgumentException("size " + size + " must be greater than 0");
        }
        if (size % objectSize != 0) {
            long down = size - size % objectSize;
            throw new IllegalArgumentException("size " + size + " is not a multiple of object-size " + objectSize
                    + ": use " + (down > 0 ? down + " or " : "") + (down + objectSize));
        }
    }

    /** The object key of block {@code blockNo}: {@code key/%016x}. */
    public String objectKey(long blockNo) {
        return BlockKeys.keyOf(prefix, blockNo);
    }

    public String key() {
        return key;
    }

    public ObjectStore store() {
        return store;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int objectSize() {
        return objectSize;
    }

    /** Partial-object writes and zeroes so far that GET the whole object before their PUT. */
    public long readModifyWriteCycles() {
        return patcher.readModifyWrites();
    }

    /** Partial-object writes and zeroes so far that patched a copy held in memory instead: a PUT and no GET. */
    public long partialWritesPatchedInMemory() {
        return patcher.patchedInMemory();
    }

    /**
     * Partial-object writes and zeroes so far into objects known to be absent: a PUT of the data padded with zeros
     * (nothing at all for a zero), no GET.
     */
    public long partialWritesOfAbsentObjects() {
        return patcher.writtenAbsent();
    }

    /** Objects held in memory for the next partial write of them. */
    int recentObjects() {
        return recent.size();
    }

    /** Objects with mutations queued or running, plus trims/zeroes running (0 when idle: nothing kept per object). */
    int queuedMutations() {
        return order.queued();
    }

    // ---- read ----

    @Override
    public CompletableFuture<Void> read(long offset, ByteBuffer into) {
        int length = into.remaining();
        IllegalArgumentException bad = checkRange("read", offset, length);
        if (bad != null) {
            return CompletableFuture.failedFuture(bad);
        }
        int base = into.position();
        return Futures.allOf(ObjectParts.start(offset, into, objectSize, this::readPart))
                .thenRun(() -> into.position(base + length));
    }

    private CompletableFuture<Void> readPart(long block, int inObject, ByteBuffer slice) {
        Supplier<CompletableFuture<Void>> get = () -> {
            if (presence.ownState(block) == ObjectPresence.State.ABSENT) {
                Zeros.fill(slice); // this map deleted it, and nothing wrote it since: no request needed to know
                return DONE;
            }
            return store.get(objectKey(block), inObject, slice.duplicate()).thenAccept(outcome -> {
                if (outcome == ObjectStore.ReadOutcome.ABSENT) {
                    Zeros.fill(slice);
                }
            });
        };
        return order.read(block, get);
    }

    /**
     * Reads object {@code block} whole into {@code into}, for a layer that completes an object before writing it
     * whole: like a partial write, it trusts a LIST that the object is absent (when presence listing is on).
     */
    public CompletableFuture<Void> readToComplete(long block, ByteBuffer into) {
        return order.read(block, () -> patcher.current(block, into.slice(into.position(), objectSize)));
    }

    // ---- write ----

    /** Every write is a PUT completed before the future completes, so {@code fua} changes nothing. */
    @Override
    public CompletableFuture<Void> write(long offset, ByteBuffer from, boolean fua) {
        int length = from.remaining();
        IllegalArgumentException bad = checkRange("write", offset, length);
        if (bad != null) {
            return CompletableFuture.failedFuture(bad);
        }
        return Futures.allOf(ObjectParts.start(
                offset,
                from,
                objectSize,
                (block, inObject, part) -> part.remaining() == objectSize
                        ? order.mutate(block, () -> writeWhole(block, part))
                        : order.mutate(block, () -> patcher.patch(block, inObject, part, part.remaining()))));
    }

    /**
     * PUTs {@code whole} as the object and keeps a copy of it once stored. The copy is made while the PUT is on its
     * way, not before: the request's buffer stays untouched until the write completes (and is reused after), and
     * the copy is then off the request's path.
     */
    private CompletableFuture<Void> writeWhole(long block, ByteBuffer whole) {
        recent.drop(block);
        CompletableFuture<Void> put = presence.recording(block, store.put(objectKey(block), whole));
        if (!recent.keepsWritten()) {
            return put;
        }
        ByteBuffer copy = ByteBuffer.allocate(objectSize).put(0, whole, 0, objectSize);
        return put.thenRun(() -> recent.keepWritten(block, copy));
    }

    /** The present blocks of chunk {@code chunk}, as indexes in it. */
    private CompletableFuture<BitSet> listChunk(long chunk) {
        long first = chunk * ObjectPresence.CHUNK_BLOCKS;
        return keyWalk.present(first, Math.min(first + ObjectPresence.CHUNK_BLOCKS, size >>> shift) - 1);
    }

    // ---- trim and zero ----

    @Override
    public CompletableFuture<Void> trim(long offset, long length) {
        IllegalArgumentException bad = checkRange("trim", offset, length);
        if (bad != null) {
            return CompletableFuture.failedFuture(bad);
        }
        long firstWhole = (offset + mask) >>> shift;
        long endWhole = (offset + length) >>> shift;
        return firstWhole < endWhole ? deleteWholeObjects(firstWhole, endWhole - 1) : DONE;
    }

    @Override
    public CompletableFuture<Void> zero(long offset, long length) {
        IllegalArgumentException bad = checkRange("zero", offset, length);
        if (bad != null) {
            return CompletableFuture.failedFuture(bad);
        }
        if (length == 0) {
            return DONE;
        }
        long end = offset + length;
        long firstWhole = (offset + mask) >>> shift;
        long endWhole = end >>> shift;
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        if (firstWhole >= endWhole) {
            long firstBlock = offset >>> shift;
            long lastBlock = (end - 1) >>> shift;
            if (firstBlock == lastBlock) {
                parts.add(zeroPart(firstBlock, (int) (offset & mask), (int) length));
            } else {
                parts.add(zeroPart(firstBlock, (int) (offset & mask), objectSize - (int) (offset & mask)));
                parts.add(zeroPart(lastBlock, 0, (int) (end & mask)));
            }
        } else {
            if ((offset & mask) != 0) {
                parts.add(zeroPart(offset >>> shift, (int) (offset & mask), objectSize - (int) (offset & mask)));
            }
            if ((end & mask) != 0) {
                parts.add(zeroPart(end >>> shift, 0, (int) (end & mask)));
            }
            parts.add(deleteWholeObjects(firstWhole, endWhole - 1));
        }
        return Futures.allOf(parts);
    }

    private CompletableFuture<Void> zeroPart(long block, int inObject, int n) {
        return order.mutate(block, () -> patcher.patch(block, inObject, null, n));
    }

    /**
     * Deletes the stored objects of blocks {@code first..last}: by name when they fit one DeleteObjects batch, else
     * scoped LIST pages with one DeleteObjects per page (at most two pages of keys held, whatever the range). It
     * first waits for the mutations already queued on those blocks; mutations and reads issued after it wait for
     * it (a range barrier, so nothing per object of the range is kept).
     */
    private CompletableFuture<Void> deleteWholeObjects(long first, long last) {
        return order.range(
                first,
                last,
                () -> Futures.call(() -> {
                            recent.drop(first, last); // after the mutations it waited for, which may have kept copies
                            return deletion.delete(first, last);
                        })
                        .whenComplete((ignored, error) -> presence.recordRange(
                                first,
                                last,
                                error == null ? ObjectPresence.State.ABSENT : ObjectPresence.State.UNKNOWN)));
    }

    // ---- flush ----

    /**
     * Nothing to wait for: a write, zero or trim completes only once stored (nothing is cached), and a flush covers
     * only what completed before it; waiting for what still runs would hold it behind deletes that may retry.
     */
    @Override
    public CompletableFuture<Void> flush() {
        return DONE;
    }

    @Override
    public void close() {
        store.close();
    }

    private IllegalArgumentException checkRange(String operation, long offset, long length) {
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            return new IllegalArgumentException(operation + " of " + length + " bytes at offset " + offset
                    + " is outside the device (size " + size + ")");
        }
        return null;
    }
}
