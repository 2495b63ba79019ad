package dev.ublks3.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is particular to the directory store: the file layout, temporary files, keys that cannot be files. */
class DirectoryObjectStoreTest {

    @TempDir
    Path root;

    private DirectoryObjectStore open() throws Exception {
        DirectoryObjectStore.createBucket(root, "b");
        return new DirectoryObjectStore(root, "b", 2);
    }

    @Test
    void anObjectIsAFileAtItsKeyAndPutLeavesNoTemporaryFile() throws Exception {
        try (DirectoryObjectStore store = open()) {
            store.put("disk/000000000000002a", ByteBuffer.wrap(new byte[] {1, 2, 3})).join();
            store.put("disk/000000000000002a", ByteBuffer.wrap(new byte[] {4, 5})).join();
            Path file = root.resolve("b/disk/000000000000002a");
            assertArrayEquals(new byte[] {4, 5}, Files.readAllBytes(file));
            try (Stream<Path> files = Files.list(file.getParent())) {
                assertEquals(List.of(file), files.toList());
            }
        }
    }

    @Test
    void leftoverTemporaryFilesAreNotListed() throws Exception {
        try (DirectoryObjectStore store = open()) {
            store.put("disk/0000000000000000", ByteBuffer.allocate(1)).join();
            Files.write(root.resolve("b/disk/" + DirectoryObjectStore.TEMP_PREFIX + "crashed"), new byte[1]);
            assertEquals(List.of("disk/0000000000000000"), store.list("disk/", null, null, 10).join().keys());
        }
    }

    @Test
    void keysThatCannotBeFilesAreRefused() throws Exception {
        try (DirectoryObjectStore store = open()) {
            for (String key : List.of("a/../b", "a//b", "/a", "a/./b", "a/", "", DirectoryObjectStore.TEMP_PREFIX + "x")) {
                CompletionException e = assertThrows(CompletionException.class,
                        () -> store.put(key, ByteBuffer.allocate(1)).join(), key);
                StoreException cause = assertInstanceOf(StoreException.class, e.getCause());
                assertEquals(StoreException.Kind.CLIENT_ERROR, cause.kind());
                assertTrue(cause.getMessage().contains("cannot hold this key"), cause.getMessage());
            }
        }
    }

    @Test
    void anObjectMapOnADirectoryLaysOutOneFilePerObject() throws Exception {
        try (ObjectMap map = new ObjectMap(open(), "vol", 16 * 4096, 4096)) {
            byte[] data = new byte[3 * 4096];
            new java.util.Random(4).nextBytes(data);
            map.write(4096 + 100, ByteBuffer.wrap(data), false).join();
            ByteBuffer into = ByteBuffer.allocate(data.length);
            map.read(4096 + 100, into).join();
            assertArrayEquals(data, into.array());
            try (Stream<Path> files = Files.list(root.resolve("b/vol"))) {
                assertEquals(List.of("0000000000000001", "0000000000000002", "0000000000000003", "0000000000000004"),
                        files.map(p -> p.getFileName().toString()).sorted().toList());
            }
            map.trim(4096 + 1, 3 * 4096).join(); // [4097, 16385): objects 2 and 3 are whole
            try (Stream<Path> files = Files.list(root.resolve("b/vol"))) {
                assertEquals(List.of("0000000000000001", "0000000000000004"),
                        files.map(p -> p.getFileName().toString()).sorted().toList());
            }
        }
    }
}
