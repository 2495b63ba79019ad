package dev.ublks3.storage.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.storage.ObjectMap;
import dev.ublks3.storage.ObjectStore.ReadOutcome;
import dev.ublks3.storage.s3.S3ObjectStore;
import dev.ublks3.storage.testing.LocalS3Fixture;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalS3ServerTest {

    @Test
    void aDirectoryBackedServerKeepsObjectsAcrossRestartsAsFiles(@TempDir Path dir) throws IOException {
        byte[] data = "block zero".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (LocalS3Server server = LocalS3Server.onDirectory(dir)) {
            assertEquals("127.0.0.1", server.endpoint().getHost());
            assertTrue(server.port() > 0);
            server.createBucket("bucket");
            server.createBucket("bucket"); // idempotent
            try (S3ObjectStore store = S3ObjectStore.open(LocalS3Fixture.config(server, "bucket"))) {
                store.put("disk/0000000000000000", ByteBuffer.wrap(data)).join();
            }
        }
        assertTrue(Files.isDirectory(dir.resolve("bucket")), "the bucket is a directory under DIR");
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("bucket/disk/0000000000000000")),
                "an object is the file at its key under the bucket's directory");
        try (LocalS3Server server = LocalS3Server.onDirectory(dir);
             S3ObjectStore store = S3ObjectStore.open(LocalS3Fixture.config(server, "bucket"))) {
            ByteBuffer into = ByteBuffer.allocate(data.length);
            assertEquals(ReadOutcome.FOUND, store.get("disk/0000000000000000", 0, into).join());
            assertArrayEquals(data, into.array());
            assertEquals(List.of("disk/0000000000000000"), store.list("disk/", null, null, 10).join().keys());
        }
    }

    @Test
    void anInvalidBucketNameIsRefusedClearly() {
        try (LocalS3Server server = LocalS3Server.inMemory()) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> server.createBucket("b"));
            assertTrue(e.getMessage().startsWith("bucket name 'b' is not valid for S3"), e.getMessage());
        }
    }

    @Test
    void aGivenPortIsUsed(@TempDir Path dir) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        try (LocalS3Server server = LocalS3Server.onDirectory(dir, port)) {
            assertEquals("http://127.0.0.1:" + port, server.endpoint().toString());
        }
    }

    @Test
    void anInMemoryServerServesAnObjectMap() {
        try (LocalS3Server server = LocalS3Server.inMemory()) {
            server.createBucket("bucket-b");
            try (ObjectMap map = new ObjectMap(S3ObjectStore.open(LocalS3Fixture.config(server, "bucket-b")), "d",
                    1 << 20, 65536)) {
                byte[] data = new byte[100_000];
                new java.util.Random(3).nextBytes(data);
                map.write(1000, ByteBuffer.wrap(data), false).join();
                ByteBuffer into = ByteBuffer.allocate(data.length);
                map.read(1000, into).join();
                assertArrayEquals(data, into.array());
            }
        }
    }
}
