package dev.ublks3.locals3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.S3Object;

class LocalS3ServerTest {

    @Test
    void aDirectoryBackedServerKeepsObjectsAcrossRestartsAsFiles(@TempDir Path dir) throws IOException {
        byte[] data = "block zero".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (LocalS3Server server = LocalS3Server.onDirectory(dir)) {
            assertEquals("127.0.0.1", server.endpoint().getHost());
            assertTrue(server.port() > 0);
            server.createBucket("bucket");
            server.createBucket("bucket"); // idempotent
            try (S3AsyncClient client = PlainS3Client.of(server)) {
                client.putObject(r -> r.bucket("bucket").key("disk/0000000000000000"), AsyncRequestBody.fromBytes(data))
                        .join();
            }
        }
        assertTrue(Files.isDirectory(dir.resolve("bucket")), "the bucket is a directory under DIR");
        assertArrayEquals(
                data,
                Files.readAllBytes(dir.resolve("bucket/disk/0000000000000000")),
                "an object is the file at its key under the bucket's directory");
        try (LocalS3Server server = LocalS3Server.onDirectory(dir);
                S3AsyncClient client = PlainS3Client.of(server)) {
            assertArrayEquals(
                    data,
                    client.getObject(
                                    r -> r.bucket("bucket").key("disk/0000000000000000"),
                                    AsyncResponseTransformer.toBytes())
                            .join()
                            .asByteArray());
            assertEquals(
                    List.of("disk/0000000000000000"),
                    client.listObjectsV2(r -> r.bucket("bucket").prefix("disk/").maxKeys(10)).join().contents().stream()
                            .map(S3Object::key)
                            .toList());
        }
    }

    @Test
    void anInvalidBucketNameIsRefusedClearly() {
        try (LocalS3Server server = LocalS3Server.inMemory()) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class, () -> server.createBucket("b"));
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
}
