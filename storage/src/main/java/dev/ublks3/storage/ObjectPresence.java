package dev.ublks3.storage;

import java.util.BitSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import java.util.function.LongFunction;

/**
 * Which objects exist, for the chunks of {@value #CHUNK_BLOCKS} blocks used lately (one LIST page holds a whole
 * chunk's keys), from two sources that are trusted apart:
 * <ul>
 *   <li>What this map did itself since it started ({@link #record}, {@link #recordRange}): the outcome of the last
 *       mutation of the object, stored, deleted, or unknown when it failed (the store may hold the old bytes or the
 *       new). The map is the only writer of its objects, so this is true of the store whatever it lists; it wins
 *       over a listing, whenever that was served. {@link #ownState} gives this alone: reads use it, to skip the GET
 *       of an object this map deleted.</li>
 *   <li>What a LIST of the chunk said ({@link #listed}), asked the first time a partial write needs it: a partial
 *       write of an object known to be absent is a plain PUT of the data padded with zeros, where a read-modify-write
 *       would spend a GET that finds nothing (ZFS writes compressed records whose ends fall inside objects never
 *       written before; that GET was most of the data device's read-modify-writes). A listing may lag behind the
 *       store's writes or break S3's order, so {@link #state} (listing included) serves partial writes only, and
 *       can be turned off: a map that does not list knows only what it did itself.</li>
 * </ul>
 * Coherent because the map asks about an object only from inside that object's ordered mutations, or from a read
 * that waits for the mutations issued before it.
 *
 * <p>Memory is bounded: at most {@code maxChunks} chunks, least recently used first out (about 800 bytes each).
 */
final class ObjectPresence {

    /** Blocks per chunk: at most 1000 keys, one LIST page. */
    static final int CHUNK_BLOCKS = 1000;

    /** 4096 chunks of 1000 objects, about 3 MiB: 512 GiB of 128 KiB objects, 16 GiB of 4 KiB ones. */
    static final int DEFAULT_MAX_CHUNKS = 4096;

    enum State {
        PRESENT,
        ABSENT,
        UNKNOWN
    }

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final int maxChunks;
    private final boolean listing;
    /** Chunks held, access-ordered: the eldest is the least recently used. Guarded by {@code this}. */
    private final LinkedHashMap<Long, Chunk> chunks = new LinkedHashMap<>(16, 0.75f, true);

    /** One source's answers for a chunk's blocks: for the blocks set in {@code known}, present or unknown. */
    private record Answers(BitSet known, BitSet present, BitSet unknown) {
        Answers() {
            this(new BitSet(CHUNK_BLOCKS), new BitSet(CHUNK_BLOCKS), new BitSet(CHUNK_BLOCKS));
        }

        void set(int index, State state) {
            known.set(index);
            present.set(index, state == State.PRESENT);
            unknown.set(index, state == State.UNKNOWN);
        }

        State get(int index) {
            return !known.get(index) || unknown.get(index)
                    ? State.UNKNOWN
                    : present.get(index) ? State.PRESENT : State.ABSENT;
        }
    }

    /** A chunk's two sources. Guarded by the ObjectPresence. */
    private static final class Chunk {
        final Answers own = new Answers();
        /** The present blocks the LIST found, once it completed; null before. */
        BitSet listedPresent;

        boolean listFailed;
        /** The LIST in flight, or null. */
        CompletableFuture<Void> listing;

        State listedState(int index) {
            return listedPresent == null || listFailed
                    ? State.UNKNOWN
                    : listedPresent.get(index) ? State.PRESENT : State.ABSENT;
        }
    }

    /**
     * @param maxChunks chunks held; 0 keeps nothing: every object is {@link State#UNKNOWN} and nothing is listed
     * @param listing   whether {@link #listed} lists chunks; without, only what the map did itself is known
     */
    ObjectPresence(int maxChunks, boolean listing) {
        this.maxChunks = maxChunks;
        this.listing = listing;
    }

    ObjectPresence(int maxChunks) {
        this(maxChunks, true);
    }

    /** What is known of {@code block}'s object now, from the map's own mutations, else from a LIST; for writes. */
    synchronized State state(long block) {
        Chunk chunk = chunks.get(block / CHUNK_BLOCKS);
        if (chunk == null) {
            return State.UNKNOWN;
        }
        int index = (int) (block % CHUNK_BLOCKS);
        return chunk.own.known().get(index) ? chunk.own.get(index) : chunk.listedState(index);
    }

    /** What the map's own mutations since it started say of {@code block}'s object, never a LIST; for reads. */
    synchronized State ownState(long block) {
        Chunk chunk = chunks.get(block / CHUNK_BLOCKS);
        return chunk == null ? State.UNKNOWN : chunk.own.get((int) (block % CHUNK_BLOCKS));
    }

    /**
     * Completes (always normally) once {@code block}'s chunk is listed, or its listing failed (its objects are then
     * unknown to the listing until the chunk is evicted): at once when it is listed already, when the map's own
     * outcome for {@code block} is known, or when listing is off; else
     * it joins the listing in flight or starts one with {@code lister}, which returns the chunk's present blocks as
     * indexes in the chunk.
     */
    CompletableFuture<Void> listed(long block, LongFunction<CompletableFuture<BitSet>> lister) {
        if (maxChunks == 0 || !listing) {
            return DONE;
        }
        long chunkNo = block / CHUNK_BLOCKS;
        Chunk chunk;
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (this) {
            chunk = held(chunkNo);
            if (chunk.listedPresent != null || chunk.own.known().get((int) (block % CHUNK_BLOCKS))) {
                return DONE; // listed, or the map's own outcome answers, whatever a LIST would say
            }
            if (chunk.listing != null) {
                return chunk.listing;
            }
            chunk.listing = done;
        }
        // even an Error becomes a failed listing: it must complete, or every write of the chunk waits
        Futures.call(() -> lister.apply(chunkNo)).whenComplete((bits, error) -> {
            synchronized (this) {
                // a failed LIST leaves its chunk unknown, not unlisted: no LIST again per write while it fails
                chunk.listedPresent = error == null ? (BitSet) bits.clone() : new BitSet(CHUNK_BLOCKS);
                chunk.listFailed = error != null;
                chunk.listing = null; // an evicted chunk's listing lands in it too: harmless, it is listed again
            }
            done.complete(null);
        });
        return done;
    }

    /** {@code put} of {@code block}'s object, its outcome recorded before it completes: stored, or unknown. */
    CompletableFuture<Void> recording(long block, CompletableFuture<Void> put) {
        return put.whenComplete((ignored, error) -> record(block, error == null ? State.PRESENT : State.UNKNOWN));
    }

    /** The outcome of a completed mutation of {@code block}'s object; its chunk is held from now on. */
    synchronized void record(long block, State state) {
        if (maxChunks == 0) {
            return;
        }
        held(block / CHUNK_BLOCKS).own.set((int) (block % CHUNK_BLOCKS), state);
    }

    /**
     * The outcome of a completed deletion of blocks {@code first..last}: {@link State#ABSENT} when it succeeded,
     * {@link State#UNKNOWN} when it failed. Recorded in the chunks held only: bounded by them, not by the range.
     */
    synchronized void recordRange(long first, long last, State state) {
        chunks.forEach((chunkNo, chunk) -> forBlocksIn(chunkNo, first, last, index -> chunk.own.set(index, state)));
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

    /** Chunks held. */
    synchronized int chunks() {
        return chunks.size();
    }

    /** Chunk {@code chunkNo}, held from now on (made when it is not), the least recently used one out past the cap. */
    private Chunk held(long chunkNo) {
        Chunk chunk = chunks.computeIfAbsent(chunkNo, ignored -> new Chunk());
        while (chunks.size() > maxChunks) {
            Iterator<Map.Entry<Long, Chunk>> eldest = chunks.entrySet().iterator();
            eldest.next();
            eldest.remove();
        }
        return chunk;
    }
}
