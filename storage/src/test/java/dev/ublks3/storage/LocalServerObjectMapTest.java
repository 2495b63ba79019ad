package dev.ublks3.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ublks3.locals3.LocalS3Server;
import dev.ublks3.storage.s3.S3ObjectStore;
import dev.ublks3.storage.testing.LocalS3Fixture;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An object map over the CRT client on the embedded server: in memory, and on {@code --local DIR}, where the bucket
 * is a folder under DIR and each object the file at its key.
 */
class LocalServerObjectMapTest {

    @TempDir
    Path root;

    @Test
    void anObjectMapOnALocalFolderLaysOutOneFilePerObject() throws Exception {
        try (LocalS3Server server = LocalS3Server.onDirectory(root)) {
            server.createBucket("bucket");
            try (ObjectMap map = new ObjectMap(
                    S3ObjectStore.open(LocalS3Fixture.config(server, "bucket")), "vol", 16 * 4096, 4096)) {
                byte[] data = new byte[3 * 4096];
                new java.util.Random(4).nextBytes(data);
                map.write(4096 + 100, ByteBuffer.wrap(data), false).join();
                ByteBuffer into = ByteBuffer.allocate(data.length);
                map.read(4096 + 100, into).join();
                assertArrayEquals(data, into.array());
                assertEquals(
                        List.of("0000000000000001", "0000000000000002", "0000000000000003", "0000000000000004"),
                        files(root.resolve("bucket/vol")));
                map.trim(4096 + 1, 3 * 4096).join(); // [4097, 16385): objects 2 and 3 are whole
                assertEquals(List.of("0000000000000001", "0000000000000004"), files(root.resolve("bucket/vol")));
            }
        }
    }

    @Test
    void anInMemoryServerServesAnObjectMap() {
        try (LocalS3Server server = LocalS3Server.inMemory()) {
            server.createBucket("bucket-b");
            try (ObjectMap map =
                    new ObjectMap(S3ObjectStore.open(LocalS3Fixture.config(server, "bucket-b")), "d", 1 << 20, 65536)) {
                byte[] data = new byte[100_000];
                new java.util.Random(3).nextBytes(data);
                map.write(1000, ByteBuffer.wrap(data), false).join();
                ByteBuffer into = ByteBuffer.allocate(data.length);
                map.read(1000, into).join();
                assertArrayEquals(data, into.array());
            }
        }
    }

    private static List<String> files(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
