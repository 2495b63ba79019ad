package dev.ublks3.storage;

import static dev.ublks3.storage.ObjectPresence.CHUNK_BLOCKS;
import static dev.ublks3.storage.ObjectPresence.State.ABSENT;
import static dev.ublks3.storage.ObjectPresence.State.PRESENT;
import static dev.ublks3.storage.ObjectPresence.State.UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/** The bookkeeping alone: listings are futures completed by hand, so every interleaving is chosen by the test. */
class ObjectPresenceTest {

    /** A lister whose LISTs stay in flight until the test completes them. */
    private static final class Lister implements LongFunction<CompletableFuture<BitSet>> {
        final List<Long> chunks = new ArrayList<>();
        final List<CompletableFuture<BitSet>> pending = new ArrayList<>();

        @Override
        public CompletableFuture<BitSet> apply(long chunk) {
            chunks.add(chunk);
            CompletableFuture<BitSet> listing = new CompletableFuture<>();
            pending.add(listing);
            return listing;
        }

        void answer(int... present) {
            BitSet bits = new BitSet();
            for (int index : present) {
                bits.set(index);
            }
            pending.removeFirst().complete(bits);
        }
    }

    /** Four chunks at most, listing on: what most tests need. */
    private final ObjectPresence presence = new ObjectPresence(4);

    private final Lister lister = new Lister();

    @Test
    void onlyWhatTheMapDidItselfIsKnownBeforeAListing() {
        assertEquals(UNKNOWN, presence.state(0));
        assertEquals(0, presence.chunks());
        presence.record(5, PRESENT);
        presence.record(6, ABSENT);
        assertEquals(PRESENT, presence.state(5));
        assertEquals(ABSENT, presence.ownState(6));
        assertEquals(UNKNOWN, presence.state(7));
        assertEquals(1, presence.chunks());
    }

    @Test
    void readsTrustOnlyWhatTheMapDidItselfNeverAListing() {
        presence.listed(0, lister);
        lister.answer(1);
        assertEquals(ABSENT, presence.state(0), "for a partial write: pad with zeros");
        assertEquals(UNKNOWN, presence.ownState(0), "for a read: GET, the listing may lag");
        assertEquals(UNKNOWN, presence.ownState(1));
        presence.recordRange(0, 1, ABSENT);
        assertEquals(ABSENT, presence.ownState(0), "deleted by the map itself: no GET needed");
        assertEquals(ABSENT, presence.ownState(1));
    }

    @Test
    void outcomesRecordedBeforeAListingWinOverItAndSpareIt() {
        presence.record(3, PRESENT); // stored by this map; a lagging LIST does not show it yet
        assertTrue(presence.listed(3, lister).isDone(), "known already: no LIST");
        assertEquals(List.of(), lister.chunks);
        presence.listed(4, lister);
        lister.answer();
        assertEquals(PRESENT, presence.state(3), "the map's own outcome, not the listing's");
        assertEquals(ABSENT, presence.state(4));
    }

    @Test
    void withListingOffNothingIsListedAndOwnOutcomesAreKept() {
        ObjectPresence unlisted = new ObjectPresence(4, false);
        assertTrue(unlisted.listed(0, lister).isDone());
        assertEquals(List.of(), lister.chunks);
        assertEquals(UNKNOWN, unlisted.state(0), "a partial write GETs it");
        unlisted.record(0, ABSENT);
        assertEquals(ABSENT, unlisted.state(0));
    }

    @Test
    void aListedChunkAnswersForEachOfItsBlocks() {
        long base = 3L * CHUNK_BLOCKS;
        CompletableFuture<Void> listed = presence.listed(base + 17, lister);
        assertFalse(listed.isDone());
        assertEquals(List.of(3L), lister.chunks);
        lister.answer(0, 17, CHUNK_BLOCKS - 1);
        assertTrue(listed.isDone());
        assertEquals(PRESENT, presence.state(base));
        assertEquals(PRESENT, presence.state(base + 17));
        assertEquals(ABSENT, presence.state(base + 18));
        assertEquals(PRESENT, presence.state(base + CHUNK_BLOCKS - 1));
        assertEquals(UNKNOWN, presence.state(base + CHUNK_BLOCKS), "the next chunk was not listed");
        assertTrue(presence.listed(base + 500, lister).isDone(), "listed already: no second LIST");
        assertEquals(1, lister.chunks.size());
    }

    @Test
    void concurrentAsksShareOneListing() {
        CompletableFuture<Void> first = presence.listed(1, lister);
        CompletableFuture<Void> second = presence.listed(2, lister);
        assertSame(first, second);
        assertEquals(1, lister.chunks.size());
        lister.answer();
        assertEquals(ABSENT, presence.state(2));
    }

    @Test
    void mutationsUpdateAListedChunk() {
        presence.listed(0, lister);
        lister.answer(1);
        presence.record(0, PRESENT);
        presence.record(1, UNKNOWN); // a failed PUT: the store holds the old bytes or the new
        assertEquals(PRESENT, presence.state(0));
        assertEquals(UNKNOWN, presence.state(1));
        presence.record(1, ABSENT);
        assertEquals(ABSENT, presence.state(1));
    }

    @Test
    void outcomesRecordedDuringAListingWinOverIt() {
        presence.listed(0, lister);
        presence.record(1, PRESENT); // a PUT that completed after the LIST was served
        presence.record(2, UNKNOWN);
        presence.recordRange(3, 5, ABSENT); // a trim that completed after the LIST was served
        lister.answer(2, 3, 4, 5, 6);
        assertEquals(ABSENT, presence.state(0));
        assertEquals(PRESENT, presence.state(1));
        assertEquals(UNKNOWN, presence.state(2));
        assertEquals(ABSENT, presence.state(3));
        assertEquals(ABSENT, presence.state(5));
        assertEquals(PRESENT, presence.state(6), "not touched since: as listed");
    }

    @Test
    void aFailedListingLeavesItsChunkUnknownWithoutListingAgain() {
        CompletableFuture<Void> listed = presence.listed(7, lister);
        lister.pending
                .removeFirst()
                .completeExceptionally(
                        new StoreException(StoreException.Kind.SERVER_ERROR, "LIST", "vol/", 500, "injected", null));
        assertTrue(listed.isDone() && !listed.isCompletedExceptionally(), "callers fall back to a GET");
        assertEquals(UNKNOWN, presence.state(7));
        assertTrue(presence.listed(8, lister).isDone());
        assertEquals(1, lister.chunks.size(), "no LIST per write while listing fails");
        presence.record(7, PRESENT);
        assertEquals(PRESENT, presence.state(7), "what this server did itself is still known");
    }

    @Test
    void aListerThatThrowsCountsAsAFailedListing() {
        CompletableFuture<Void> listed = presence.listed(0, chunk -> {
            throw new IllegalStateException("closed");
        });
        assertTrue(listed.isDone() && !listed.isCompletedExceptionally());
        assertEquals(UNKNOWN, presence.state(0));
    }

    @Test
    void aListerThatThrowsAnErrorCountsAsAFailedListingToo() {
        CompletableFuture<Void> listed = presence.listed(0, chunk -> {
            throw new Error("injected, like an OutOfMemoryError"); // a real one escaping would end the test JVM
        });
        assertTrue(listed.isDone() && !listed.isCompletedExceptionally(), "no write of the chunk waits for ever");
        assertEquals(UNKNOWN, presence.state(0));
        assertTrue(presence.listed(1, lister).isDone());
    }

    @Test
    void aRangeOutcomeCoversOnlyItsBlocksAcrossChunks() {
        presence.listed(0, lister);
        lister.answer(998, 999);
        presence.listed(CHUNK_BLOCKS, lister);
        lister.answer(0, 1, 2);
        presence.recordRange(999, CHUNK_BLOCKS + 1, ABSENT);
        assertEquals(PRESENT, presence.state(998));
        assertEquals(ABSENT, presence.state(999));
        assertEquals(ABSENT, presence.state(CHUNK_BLOCKS + 1));
        assertEquals(PRESENT, presence.state(CHUNK_BLOCKS + 2));
        presence.recordRange(0, Long.MAX_VALUE / 2, UNKNOWN); // a failed trim of a huge range: bounded by chunks
        assertEquals(UNKNOWN, presence.state(998));
        assertEquals(UNKNOWN, presence.state(CHUNK_BLOCKS + 2));
    }

    @Test
    void chunksAreBoundedLeastRecentlyUsedFirstOut() {
        ObjectPresence twoChunks = new ObjectPresence(2);
        for (long chunk = 0; chunk < 2; chunk++) {
            twoChunks.listed(chunk * CHUNK_BLOCKS, lister);
            lister.answer();
        }
        assertEquals(ABSENT, twoChunks.state(0)); // chunk 0 used last: chunk 1 goes first
        twoChunks.listed(2L * CHUNK_BLOCKS, lister);
        lister.answer();
        assertEquals(2, twoChunks.chunks());
        assertEquals(ABSENT, twoChunks.state(0));
        assertEquals(UNKNOWN, twoChunks.state(CHUNK_BLOCKS), "evicted");
        assertEquals(ABSENT, twoChunks.state(2L * CHUNK_BLOCKS));
    }

    @Test
    void noChunksMeansNoListing() {
        ObjectPresence noChunks = new ObjectPresence(0);
        assertTrue(noChunks.listed(0, lister).isDone());
        assertEquals(List.of(), lister.chunks);
        assertEquals(UNKNOWN, noChunks.state(0));
    }
}
