package dev.ublks3.storage;

import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongFunction;

/**
 * Writes of part of an object (and zeroes of part of one): S3 has no partial PUT, so the whole object is patched and
 * PUT. The whole object comes from the copy held in {@link RecentObjects} when there is one (no GET), else zeros when
 * the object is known to be absent ({@link ObjectPresence}, its chunk listed first if need be), else the store's GET.
 *
 * <p>Each such write holds a whole object (up to 32 MiB) from its GET until its PUT is done, so their memory is
 * bounded by an {@link AdmissionLimit}: a write past it waits its turn, first in first out, and never fails for it.
 * It cannot deadlock: a write asks for memory only from inside its object's ordered mutations, once every mutation
 * issued before it on that object has completed, and a write that got memory waits for nothing but its GET and PUT.
 * So whoever holds memory finishes without waiting for anyone who waits for memory.
 *
 * <p>Called only from inside the object's ordered mutations (see {@link ObjectMap}).
 */
final class ObjectPatcher {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final ObjectStore store;
    private final LongFunction<String> objectKey;
    private final int objectSize;
    private final RecentObjects recent;
    private final ObjectPresence presence;
    private final LongFunction<CompletableFuture<BitSet>> listChunk;
    private final AdmissionLimit memory;
    private final LongAdder readModifyWrites = new LongAdder();
    private final LongAdder patchedInMemory = new LongAdder();
    private final LongAdder writtenAbsent = new LongAdder();

    /**
     * @param memoryBytes the whole objects these writes may hold at once, in bytes (at least one object is let
     *                    through)
     */
    ObjectPatcher(
            ObjectStore store,
            LongFunction<String> objectKey,
            int objectSize,
            RecentObjects recent,
            ObjectPresence presence,
            LongFunction<CompletableFuture<BitSet>> listChunk,
            long memoryBytes) {
        this.store = store;
        this.objectKey = objectKey;
        this.objectSize = objectSize;
        this.recent = recent;
        this.presence = presence;
        this.listChunk = listChunk;
        this.memory = new AdmissionLimit(Math.max(memoryBytes, objectSize));
    }

    /**
     * Patches {@code n} bytes at {@code inObject} with {@code data} (null: zeros) into {@code block}'s object and
     * PUTs it whole. The patched object is held again in {@link RecentObjects} once its PUT succeeded.
     */
    CompletableFuture<Void> patch(long block, int inObject, ByteBuffer data, int n) {
        // no LIST for an object whose copy is held (it may be gone by the time memory is granted: it then GETs)
        CompletableFuture<Void> known = recent.holds(block) ? DONE : presence.listed(block, listChunk);
        return known.thenCompose(ignored -> memory.submit(objectSize, () -> patchHeld(block, inObject, data, n)));
    }

    /**
     * The object's bytes into {@code into} as a partial write would start from them: zeros when it is known absent
     * (from this map's own mutations, or a LIST when presence listing is on), else a GET.
     */
    CompletableFuture<Void> current(long block, ByteBuffer into) {
        return presence.listed(block, listChunk).thenCompose(ignored -> {
            if (presence.state(block) == ObjectPresence.State.ABSENT) {
                Zeros.fill(into.duplicate());
                return DONE;
            }
            return store.get(objectKey.apply(block), 0, into.duplicate()).thenAccept(outcome -> {
                if (outcome == ObjectStore.ReadOutcome.ABSENT) {
                    Zeros.fill(into.duplicate());
                }
            });
        });
    }

    /** With memory granted for the whole object. */
    private CompletableFuture<Void> patchHeld(long block, int inObject, ByteBuffer data, int n) {
        ByteBuffer held = recent.take(block);
        if (held != null) {
            patchedInMemory.increment();
            return patchAndPut(block, held, ObjectStore.ReadOutcome.FOUND, inObject, data, n);
        }
        if (presence.state(block) == ObjectPresence.State.ABSENT) {
            writtenAbsent.increment();
            return data == null
                    ? DONE // a missing object already reads as zeros
                    : patchAndPut(
                            block, ByteBuffer.allocate(objectSize), ObjectStore.ReadOutcome.ABSENT, inObject, data, n);
        }
        readModifyWrites.increment();
        ByteBuffer bytes = ByteBuffer.allocate(objectSize);
        return store.get(objectKey.apply(block), 0, bytes.duplicate())
                .thenCompose(outcome -> patchAndPut(block, bytes, outcome, inObject, data, n));
    }

    private CompletableFuture<Void> patchAndPut(
            long block, ByteBuffer bytes, ObjectStore.ReadOutcome outcome, int inObject, ByteBuffer data, int n) {
        if (data == null) {
            if (outcome == ObjectStore.ReadOutcome.ABSENT) {
                return DONE; // a missing object already reads as zeros
            }
            Zeros.fill(bytes.slice(inObject, n));
        } else {
            bytes.put(inObject, data.duplicate(), 0, n);
        }
        return presence.recording(block, store.put(objectKey.apply(block), bytes))
                .thenRun(() -> recent.keep(block, bytes));
    }

    /** Partial writes so far that GET the whole object before their PUT. */
    long readModifyWrites() {
        return readModifyWrites.sum();
    }

    /** Partial writes so far that patched a copy held in memory instead: a PUT and no GET. */
    long patchedInMemory() {
        return patchedInMemory.sum();
    }

    /** Partial writes so far into objects known to be absent: a PUT of the data padded with zeros, no GET. */
    long writtenAbsent() {
        return writtenAbsent.sum();
    }
}
