package dev.ublks3.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ublks3.storage.testing.MemoryObjectStore;
import dev.ublks3.storage.testing.StoreListing;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MemoryObjectStoreTest {

    private final MemoryObjectStore store = new MemoryObjectStore();

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String key(int n) {
        return "disk/%016x".formatted(n);
    }

    @Test
    void missingObjectReadsAbsentAndLeavesBufferUntouched() {
        ByteBuffer into = ByteBuffer.allocate(4);
        assertEquals(
                ObjectStore.ReadOutcome.ABSENT, store.get("disk/0", 0, into).join());
        assertEquals(0, into.position());
        assertArrayEquals(new byte[4], into.array());
    }

    @Test
    void getPastTheEndIsCorruptNotPartial() {
        store.put("k", bytes("0123")).join();
        ByteBuffer into = ByteBuffer.allocate(4);
        CompletionException e = assertThrows(
                CompletionException.class, () -> store.get("k", 1, into).join());
        StoreException cause = assertInstanceOf(StoreException.class, e.getCause());
        assertEquals(StoreException.Kind.CORRUPT, cause.kind());
        assertEquals(0, into.position());
    }

    @Test
    void putCopiesAndLeavesPositionAlone() {
        ByteBuffer data = bytes("abcd");
        data.position(1);
        store.put("k", data).join();
        assertEquals(1, data.position());
        data.put(1, (byte) 'X');
        assertArrayEquals("bcd".getBytes(StandardCharsets.US_ASCII), store.object("k"));
        store.put("k", bytes("z")).join();
        assertArrayEquals(new byte[] {'z'}, store.object("k"));
    }

    @Test
    void deleteAndBatchDelete() {
        for (int i = 0; i < 5; i++) {
            store.put(key(i), bytes("x")).join();
        }
        store.delete(key(0)).join();
        store.delete("never-there").join();
        store.deleteObjects(List.of(key(1), key(3), "never-there")).join();
        assertEquals(List.of(key(2), key(4)), store.keys());
        assertNull(store.object(key(1)));
    }

    @Test
    void batchDeleteRejectsMoreThanTheS3Limit() {
        List<String> keys = IntStream.range(0, ObjectStore.MAX_DELETE_KEYS + 1)
                .mapToObj(MemoryObjectStoreTest::key)
                .toList();
        store.put(key(0), bytes("x")).join();
        CompletionException e = assertThrows(
                CompletionException.class, () -> store.deleteObjects(keys).join());
        assertEquals(StoreException.Kind.CLIENT_ERROR, ((StoreException) e.getCause()).kind());
        assertEquals(List.of(key(0)), store.keys());
        store.deleteObjects(keys.subList(0, ObjectStore.MAX_DELETE_KEYS)).join();
        assertEquals(List.of(), store.keys());
    }

    @Test
    void listHonoursPrefixStartAfterAndContinuation() {
        store.put("disj", bytes("x")).join();
        store.put("disk", bytes("x")).join(); // no slash: not under "disk/"
        for (int i = 0; i < 7; i++) {
            store.put(key(i), bytes("x")).join();
        }
        store.put("disl/0", bytes("x")).join();

        List<ObjectStore.ListPage> pages = new ArrayList<>();
        List<String> all = StoreListing.keys(store, "disk/", key(1), 2, pages::add);
        assertEquals(List.of(key(2), key(3), key(4), key(5), key(6)), all);
        assertEquals(3, pages.size());

        assertEquals(
                List.of(key(0), key(1)),
                store.list("disk/", null, null, 2).join().keys());
        assertEquals(
                List.of("disj", "disk"), store.list(null, null, null, 2).join().keys());
        assertEquals(List.of("disk"), store.list("disk", null, null, 1).join().keys());
        // start-after before the prefix lists the whole prefix; after it, nothing
        assertEquals(7, store.list("disk/", "a", null, 1000).join().keys().size());
        ObjectStore.ListPage none = store.list("disk/", "disk/g", null, 1000).join();
        assertEquals(List.of(), none.keys());
        assertNull(none.nextContinuationToken());
    }

    @Test
    void exactlyFullLastPageHasNoContinuation() {
        store.put(key(0), bytes("x")).join();
        store.put(key(1), bytes("x")).join();
        assertNull(store.list("disk/", null, null, 2).join().nextContinuationToken());
    }

    @Test
    void keysSortInUtf8ByteOrder() {
        String bmpHigh = "k\uFF5E"; // U+FF5E: UTF-8 EF BD 9E
        String supplementary = "k\uD83D\uDE00"; // U+1F600: UTF-8 F0 9F 98 80, sorts after in UTF-8
        store.put(supplementary, bytes("x")).join();
        store.put(bmpHigh, bytes("x")).join();
        assertEquals(
                List.of(bmpHigh, supplementary),
                store.list("k", null, null, 10).join().keys());
    }

    @Test
    void closedStoreFailsCalls() {
        store.close();
        CompletionException e = assertThrows(
                CompletionException.class, () -> store.put("k", bytes("x")).join());
        assertInstanceOf(StoreException.class, e.getCause());
    }
}
