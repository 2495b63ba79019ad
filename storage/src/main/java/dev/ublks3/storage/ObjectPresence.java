package dev.ublks3.storage;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import java.util.function.LongFunction;

/**
 * Which objects exist, for the chunks of {@value #CHUNK_BLOCKS} blocks listed lately (one LIST page holds a whole
 * chunk's keys): a partial write of an object known to be absent is a plain PUT of the data padded with zeros, where
 * a read-modify-write would spend a GET that finds nothing. ZFS writes compressed records whose ends fall inside
 * objects never written before; that GET was most of the data device's read-modify-writes.
 *
 * <p>Coherent for the same reasons as {@link RecentObjects}: the object map is the only writer of its objects, and
 * it asks about an object only from inside that object's ordered mutations (or from a read, which waits for the
 * mutations issued before it), so the answer is the outcome of the last mutation that completed, or of the LIST
 * when none did since. Every mutation reports its outcome ({@link #record}, {@link #recordRange}) before it
 * completes: stored, deleted, or unknown when it failed (the store may hold the old bytes or the new). Outcomes that
 * arrive while their chunk is being listed win over the listing, which may have been served before or after them.
 *
 * <p>Memory is bounded: at most {@code maxChunks} chunks, least recently used first out (about 300 bytes each).
 */
final class ObjectPresence {

    /** Blocks per chunk: at most 1000 keys, one LIST page. */
    static final int CHUNK_BLOCKS = 1000;

    /** 4096 chunks of 1000 objects, about 1.2 MiB: 512 GiB of 128 KiB objects, 16 GiB of 4 KiB ones. */
    static final int DEFAULT_MAX_CHUNKS = 4096;

    enum State { PRESENT, ABSENT, UNKNOWN }

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final int maxChunks;
    /** Listed chunks, access-ordered: the eldest is the least recently used. Guarded by {@code this}. */
    private final LinkedHashMap<Long, Chunk> chunks = new LinkedHashMap<>(16, 0.75f, true);
    /** Chunks whose LIST is in flight. Guarded by {@code this}. */
    private final Map<Long, Listing> listings = new HashMap<>();

    /** {@code maxChunks} 0 keeps nothing: every object is {@link State#UNKNOWN} and nothing is listed. */
    ObjectPresence(int maxChunks) {
        this.maxChunks = maxChunks;
    }

    private record Chunk(BitSet present, BitSet unknown) {
    }

    private static final class Listing {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        /** Outcomes recorded while the LIST was in flight: for the blocks set in {@code recorded}. */
        final Chunk outcomes = new Chunk(new BitSet(CHUNK_BLOCKS), new BitSet(CHUNK_BLOCKS));
        final BitSet recorded = new BitSet(CHUNK_BLOCKS);

        void record(int index, State state) {
            set(outcomes, index, state);
            recorded.set(index);
        }

        void applyTo(Chunk listed) {
            for (int i = recorded.nextSetBit(0); i >= 0; i = recorded.nextSetBit(i + 1)) {
                listed.present().set(i, outcomes.present().get(i));
                listed.unknown().set(i, outcomes.unknown().get(i));
            }
        }
    }

    /** What is known of {@code block}'s object now; never sends a request. */
    synchronized State state(long block) {
        Chunk chunk = chunks.get(block / CHUNK_BLOCKS);
        if (chunk == null) {
            return State.UNKNOWN;
        }
        int index = (int) (block % CHUNK_BLOCKS);
        if (chunk.unknown().get(index)) {
            return State.UNKNOWN;
        }
        return chunk.present().get(index) ? State.PRESENT : State.ABSENT;
    }

    /**
     * Completes (always normally) once {@code block}'s chunk is listed, or its listing failed (its objects are then
     * unknown until the chunk is evicted): at once when it is listed already; else it joins the listing in flight
     * or starts one with {@code lister}, which returns the chunk's present blocks as indexes in the chunk.
     */
    CompletableFuture<Void> listed(long block, LongFunction<CompletableFuture<BitSet>> lister) {
        if (maxChunks == 0) {
            return DONE;
        }
        long chunk = block / CHUNK_BLOCKS;
        Listing listing;
        synchronized (this) {
            if (chunks.get(chunk) != null) {
                return DONE;
            }
            Listing inFlight = listings.get(chunk);
            if (inFlight != null) {
                return inFlight.done;
            }
            listing = new Listing();
            listings.put(chunk, listing);
        }
        CompletableFuture<BitSet> present;
        try {
            present = lister.apply(chunk);
        } catch (Throwable e) { // even an Error: the listing must complete, or every write of the chunk waits
            present = CompletableFuture.failedFuture(e);
        }
        present.whenComplete((bits, error) -> {
            synchronized (this) {
                listings.remove(chunk);
                // a failed LIST leaves its chunk unknown, not unlisted: no LIST again per write while it fails
                Chunk listed = error == null
                        ? new Chunk((BitSet) bits.clone(), new BitSet(CHUNK_BLOCKS))
                        : new Chunk(new BitSet(CHUNK_BLOCKS), allSet());
                listing.applyTo(listed);
                chunks.put(chunk, listed);
                evictBeyondCapacity();
            }
            listing.done.complete(null);
        });
        return listing.done;
    }

    /** {@code put} of {@code block}'s object, its outcome recorded before it completes: stored, or unknown. */
    CompletableFuture<Void> recording(long block, CompletableFuture<Void> put) {
        return put.whenComplete((ignored, error) -> record(block, error == null ? State.PRESENT : State.UNKNOWN));
    }

    /** The outcome of a completed mutation of {@code block}'s object. */
    synchronized void record(long block, State state) {
        long chunkNo = block / CHUNK_BLOCKS;
        int index = (int) (block % CHUNK_BLOCKS);
        Chunk chunk = chunks.get(chunkNo);
        if (chunk != null) {
            set(chunk, index, state);
        }
        Listing listing = listings.get(chunkNo);
        if (listing != null) {
            listing.record(index, state);
        }
    }

    /**
     * The outcome of a completed deletion of blocks {@code first..last}: {@link State#ABSENT} when it succeeded,
     * {@link State#UNKNOWN} when it failed. Bounded by the chunks held and listed, not by the range.
     */
    synchronized void recordRange(long first, long last, State state) {
        chunks.forEach((chunkNo, chunk) -> forBlocksIn(chunkNo, first, last, index -> set(chunk, index, state)));
        listings.forEach((chunkNo, listing) ->
                forBlocksIn(chunkNo, first, last, index -> listing.record(index, state)));
    }

    /** Calls {@code action} with the index in chunk {@code chunkNo} of each block of {@code first..last} in it. */
    private static void forBlocksIn(long chunkNo, long first, long last, IntConsumer action) {
        long start = chunkNo * CHUNK_BLOCKS;
        long from = Math.max(first, start);
        long to = Math.min(last, start + CHUNK_BLOCKS - 1);
        for (long block = from; block <= to; block++) {
            action.accept((int) (block - start));
        }
    }

    /** Listed chunks held. */
    synchronized int chunks() {
        return chunks.size();
    }

    private static BitSet allSet() {
        BitSet all = new BitSet(CHUNK_BLOCKS);
        all.set(0, CHUNK_BLOCKS);
        return all;
    }

    private static void set(Chunk chunk, int index, State state) {
        chunk.unknown().set(index, state == State.UNKNOWN);
        chunk.present().set(index, state == State.PRESENT);
    }

    private void evictBeyondCapacity() {
        while (chunks.size() > maxChunks) {
            Iterator<Map.Entry<Long, Chunk>> eldest = chunks.entrySet().iterator();
            eldest.next();
            eldest.remove();
        }
    }
}
