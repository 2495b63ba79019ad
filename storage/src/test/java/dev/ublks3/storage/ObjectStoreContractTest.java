package dev.ublks3.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.storage.ObjectStore.ListPage;
import dev.ublks3.storage.ObjectStore.ReadOutcome;
import dev.ublks3.storage.testing.StoreListing;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ObjectStore} must do, run against each implementation by a subclass: S3 (through a real S3
 * server) and memory.
 */
public abstract class ObjectStoreContractTest {

    protected ObjectStore store;

    /** A store on a fresh, empty, existing bucket. */
    protected abstract ObjectStore newStore() throws Exception;

    /** A store whose bucket does not exist. */
    protected abstract ObjectStore storeOnMissingBucket() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = newStore();
    }

    @AfterEach
    void close() {
        store.close();
    }

    protected static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    protected static StoreException storeFailure(CompletableFuture<?> future) {
        CompletionException e = assertThrows(CompletionException.class, future::join);
        return assertInstanceOf(StoreException.class, e.getCause(), () -> "cause of " + e);
    }

    protected static String key(int n) {
        return "disk/%016x".formatted(n);
    }

    private void putAll(List<String> keys) {
        CompletableFuture.allOf(keys.stream().map(k -> store.put(k, ascii(k))).toArray(CompletableFuture[]::new))
                .join();
    }

    private List<String> listAll(String prefix, String startAfter, int maxKeys) {
        return StoreListing.keys(
                store,
                prefix,
                startAfter,
                maxKeys,
                page -> assertTrue(page.keys().size() <= maxKeys, "page larger than maxKeys"));
    }

    @Test
    void getOfAMissingKeyIsAbsentAndLeavesTheBufferUntouched() {
        ByteBuffer into = ByteBuffer.wrap(new byte[] {7, 7, 7, 7});
        assertEquals(ReadOutcome.ABSENT, store.get(key(1), 0, into).join());
        assertEquals(0, into.position());
        assertArrayEquals(new byte[] {7, 7, 7, 7}, into.array());
    }

    @Test
    void rangedGetReadsExactlyTheRangeAtThePositionAndAdvancesIt() {
        store.put("k/0", ascii("0123456789")).join();
        ByteBuffer into = ByteBuffer.allocate(6);
        into.position(2);
        assertEquals(ReadOutcome.FOUND, store.get("k/0", 3, into).join());
        assertEquals(6, into.position());
        assertArrayEquals(new byte[] {0, 0, '3', '4', '5', '6'}, into.array());
    }

    @Test
    void getIntoADirectBufferWorks() {
        store.put("k/0", ascii("abcdefgh")).join();
        ByteBuffer into = ByteBuffer.allocateDirect(8);
        assertEquals(ReadOutcome.FOUND, store.get("k/0", 0, into).join());
        byte[] got = new byte[8];
        into.flip().get(got);
        assertArrayEquals("abcdefgh".getBytes(StandardCharsets.US_ASCII), got);
    }

    @Test
    void getPastTheEndIsCorruptNeverPartial() {
        store.put("k/0", ascii("0123")).join();
        StoreException e = storeFailure(store.get("k/0", 2, ByteBuffer.allocate(4)));
        assertEquals(StoreException.Kind.CORRUPT, e.kind());
        assertTrue(e.getMessage().contains("k/0"), e.getMessage());
        StoreException beyond = storeFailure(store.get("k/0", 10, ByteBuffer.allocate(4)));
        assertEquals(StoreException.Kind.CORRUPT, beyond.kind());
    }

    @Test
    void putReplacesTheWholeObjectAndLeavesThePositionAlone() {
        store.put("k/0", ascii("first version, long")).join();
        ByteBuffer data = ascii("xxsecond");
        data.position(2);
        store.put("k/0", data).join();
        assertEquals(2, data.position());
        ByteBuffer into = ByteBuffer.allocate(6);
        store.get("k/0", 0, into).join();
        assertArrayEquals("second".getBytes(StandardCharsets.US_ASCII), into.array());
        StoreException longer = storeFailure(store.get("k/0", 0, ByteBuffer.allocate(7)));
        assertEquals(StoreException.Kind.CORRUPT, longer.kind());
    }

    @Test
    void anObjectOfOneMebibyteRoundTrips() {
        byte[] data = new byte[1 << 20];
        new java.util.Random(1).nextBytes(data);
        store.put("k/big", ByteBuffer.wrap(data)).join();
        ByteBuffer into = ByteBuffer.allocate(100_000);
        store.get("k/big", 500_000, into).join();
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 500_000, 600_000), into.array());
    }

    @Test
    void deleteOfAMissingKeySucceedsAndDeleteRemoves() {
        store.delete(key(5)).join();
        store.put(key(5), ascii("x")).join();
        store.delete(key(5)).join();
        assertEquals(
                ReadOutcome.ABSENT, store.get(key(5), 0, ByteBuffer.allocate(1)).join());
        store.deleteObjects(List.of()).join();
        store.deleteObjects(List.of(key(6), key(7))).join();
    }

    @Test
    void deleteObjectsTakesABatchOf1000AndRefusesMore() {
        List<String> keys =
                IntStream.range(0, 1100).mapToObj(ObjectStoreContractTest::key).toList();
        putAll(keys);
        List<String> listed = listAll("disk/", null, 1000);
        assertEquals(keys, listed, "a listing over more than 1000 keys, in pages of 1000");

        List<String> batch = new ArrayList<>(keys.subList(0, 999));
        batch.add("disk/missing"); // a missing key counts as deleted
        store.deleteObjects(batch).join();
        assertEquals(keys.subList(999, 1100), listAll("disk/", null, 1000));

        List<String> tooMany =
                IntStream.range(0, 1001).mapToObj(ObjectStoreContractTest::key).toList();
        assertEquals(
                StoreException.Kind.CLIENT_ERROR,
                storeFailure(store.deleteObjects(tooMany)).kind());
    }

    @Test
    void listHonoursPrefixStartAfterAndContinuationInKeyOrder() {
        List<String> disk =
                IntStream.range(0, 23).mapToObj(ObjectStoreContractTest::key).toList();
        putAll(disk);
        putAll(List.of("disk2/0000000000000000", "dis", "other/x", "disk-a"));

        assertEquals(disk, listAll("disk/", null, 5), "pages of 5 over the prefix");
        assertEquals(disk.subList(8, 23), listAll("disk/", key(7), 4), "start-after a key");
        assertEquals(disk.subList(0, 23), listAll("disk/", "disk", 1000), "start-after before the prefix");
        assertEquals(List.of(), listAll("disk/", key(22), 3), "start-after the last key");
        assertEquals(disk.subList(3, 23), listAll("disk/", "disk/0000000000000002z", 1000), "start-after between keys");

        ListPage first = store.list("disk/", null, null, 10).join();
        assertEquals(disk.subList(0, 10), first.keys());
        assertNotNull(first.nextContinuationToken());
        ListPage second =
                store.list("disk/", null, first.nextContinuationToken(), 10).join();
        assertEquals(disk.subList(10, 20), second.keys());

        List<String> everything = listAll("", null, 1000);
        assertEquals(List.of("dis", "disk-a"), everything.subList(0, 2), "'-' sorts before '/'");
        assertEquals("other/x", everything.getLast());
        assertEquals(List.of("disk2/0000000000000000"), listAll("disk2", null, 1000));
        assertEquals(List.of(), listAll("nothing/", null, 1000));
    }

    @Test
    void aMissingBucketFailsEveryCallWithNoSuchBucket() throws Exception {
        try (ObjectStore missing = storeOnMissingBucket()) {
            List<CompletableFuture<?>> calls = List.of(
                    missing.get(key(0), 0, ByteBuffer.allocate(4)),
                    missing.put(key(0), ascii("data")),
                    missing.delete(key(0)),
                    missing.deleteObjects(List.of(key(0), key(1))),
                    missing.list("disk/", null, null, 10));
            for (CompletableFuture<?> call : calls) {
                StoreException e = storeFailure(call);
                assertEquals(StoreException.Kind.NO_SUCH_BUCKET, e.kind(), e.getMessage());
                assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
                assertTrue(!e.retryable());
            }
        }
    }

    @Test
    void aListingGivesEachObjectsSize() {
        store.put(key(0), ByteBuffer.allocate(4096)).join();
        store.put(key(1), ascii("seven b")).join();
        store.put(key(2), ByteBuffer.allocate(0)).join();
        assertEquals(
                List.of(
                        new ObjectStore.ListedObject(key(0), 4096),
                        new ObjectStore.ListedObject(key(1), 7),
                        new ObjectStore.ListedObject(key(2), 0)),
                store.list("disk/", null, null, 10).join().objects());
    }

    @Test
    void lastPageHasNoContinuationToken() {
        putAll(List.of(key(0), key(1)));
        ListPage page = store.list("disk/", null, null, 2).join();
        assertEquals(List.of(key(0), key(1)), page.keys());
        if (!page.isLast()) { // S3 may say "truncated" when exactly maxKeys remain; the next page is then empty
            ListPage next =
                    store.list("disk/", null, page.nextContinuationToken(), 2).join();
            assertEquals(List.of(), next.keys());
            assertNull(next.nextContinuationToken());
        }
    }
}
