package dev.ublks3.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.storage.ObjectMap;
import dev.ublks3.storage.ObjectStore.ReadOutcome;
import dev.ublks3.storage.StoreException;
import dev.ublks3.storage.StoreException.Kind;
import dev.ublks3.storage.testing.LocalS3Fixture;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user sees when the bucket, the keys or the endpoint are wrong: the right kind and a one-line fix. */
class S3ObjectStoreErrorsTest {

    private static StoreException failure(CompletableFuture<?> call) {
        CompletionException e = assertThrows(CompletionException.class, call::join);
        StoreException store = assertInstanceOf(StoreException.class, e.getCause(), () -> "cause of " + e);
        assertFalse(store.getMessage().contains("\n"), "one line: " + store.getMessage());
        return store;
    }

    @Test
    void aMissingBucketNamesTheBucketTheEndpointAndTheFix() {
        S3Config config = LocalS3Fixture.config("no-such-bucket");
        try (ObjectMap map = new ObjectMap(S3ObjectStore.open(config), "disk", 1 << 20, 4096)) {
            StoreException e = failure(map.read(0, ByteBuffer.allocate(4096)));
            assertEquals(Kind.NO_SUCH_BUCKET, e.kind());
            assertEquals(
                    "bucket 'no-such-bucket' does not exist at " + config.endpoint() + ": create it or fix --bucket",
                    e.getMessage());
            assertEquals(
                    Kind.NO_SUCH_BUCKET,
                    failure(map.write(0, ByteBuffer.allocate(4096), false)).kind());
            assertEquals(
                    Kind.NO_SUCH_BUCKET,
                    failure(map.write(10, ByteBuffer.allocate(10), false)).kind());
            assertEquals(Kind.NO_SUCH_BUCKET, failure(map.trim(0, 1 << 20)).kind());
        }
    }

    @Test
    void wrongCredentialsAreAccessDeniedNamingTheirSource() {
        S3Config config = LocalS3Fixture.config(LocalS3Fixture.newBucket("creds"))
                .withCredentials(S3Credentials.keys("local", "not-the-secret"));
        try (S3ObjectStore store = S3ObjectStore.open(config)) {
            StoreException read = failure(store.get("disk/0", 0, ByteBuffer.allocate(16)));
            assertEquals(Kind.ACCESS_DENIED, read.kind());
            assertFalse(read.retryable());
            assertEquals(403, read.httpStatus());
            assertTrue(read.getMessage().contains("with credentials from access key 'local'"), read.getMessage());
            assertFalse(read.getMessage().contains("not-the-secret"), "never print the secret");
            assertEquals(
                    Kind.ACCESS_DENIED,
                    failure(store.put("disk/0", ByteBuffer.allocate(16))).kind());
            assertEquals(
                    Kind.ACCESS_DENIED,
                    failure(store.list("disk/", null, null, 10)).kind());
        }
        S3Config unknownKey = config.withCredentials(S3Credentials.keys("nobody", "secret"));
        try (S3ObjectStore store = S3ObjectStore.open(unknownKey)) {
            StoreException e = failure(store.get("disk/0", 0, ByteBuffer.allocate(16)));
            assertEquals(Kind.ACCESS_DENIED, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("access key 'nobody'"), e.getMessage());
        }
    }

    @Test
    void aClosedPortIsAConnectionErrorNamingTheEndpoint() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        URI endpoint = URI.create("http://127.0.0.1:" + closedPort);
        S3Config config = LocalS3Fixture.config("bucket").withEndpoint(endpoint, true);
        try (S3ObjectStore store = S3ObjectStore.open(config)) {
            StoreException e = failure(store.get("disk/0", 0, ByteBuffer.allocate(16)));
            assertEquals(Kind.CONNECTION, e.kind());
            assertTrue(e.retryable());
            assertEquals(
                    "cannot connect to " + endpoint + " (connection refused): is the server running, is "
                            + "--endpoint-url right?",
                    e.getMessage());
            assertEquals(
                    Kind.CONNECTION,
                    failure(store.put("disk/0", ByteBuffer.allocate(16))).kind());
        }
    }

    @Test
    void aNamedProfileSuppliesTheKeysAndAMissingProfileSaysSo(@TempDir Path dir) throws IOException {
        Path credentials = dir.resolve("credentials");
        Files.writeString(credentials, """
                [ublk-test]
                aws_access_key_id = local
                aws_secret_access_key = local-secret
                """);
        String previous = System.setProperty("aws.sharedCredentialsFile", credentials.toString());
        try {
            S3Config config = LocalS3Fixture.config(LocalS3Fixture.newBucket("profile"));
            try (S3ObjectStore store = S3ObjectStore.open(config.withCredentials(S3Credentials.profile("ublk-test")))) {
                store.put("k", ByteBuffer.wrap(new byte[] {1, 2, 3})).join();
                assertEquals(
                        ReadOutcome.FOUND,
                        store.get("k", 0, ByteBuffer.allocate(3)).join());
            }
            try (S3ObjectStore store = S3ObjectStore.open(config.withCredentials(S3Credentials.profile("absent")))) {
                StoreException e = failure(store.get("k", 0, ByteBuffer.allocate(3)));
                assertEquals(Kind.ACCESS_DENIED, e.kind(), e.getMessage());
                assertTrue(e.getMessage().contains("profile 'absent'"), e.getMessage());
            }
        } finally {
            if (previous == null) {
                System.clearProperty("aws.sharedCredentialsFile");
            } else {
                System.setProperty("aws.sharedCredentialsFile", previous);
            }
        }
    }

    @Test
    void a32MebibyteObjectIsOnePutAndLargerIsRefused() {
        try (S3ObjectStore store = LocalS3Fixture.newStore("big")) {
            byte[] data = new byte[32 << 20];
            new Random(9).nextBytes(data);
            store.put("disk/0000000000000000", ByteBuffer.wrap(data)).join();
            ByteBuffer tail = ByteBuffer.allocate(1 << 20);
            store.get("disk/0000000000000000", (32 << 20) - (1 << 20), tail).join();
            assertArrayEquals(java.util.Arrays.copyOfRange(data, (32 << 20) - (1 << 20), 32 << 20), tail.array());
            StoreException tooBig = failure(store.put("disk/1", ByteBuffer.allocate((32 << 20) + 1)));
            assertEquals(Kind.CLIENT_ERROR, tooBig.kind());
        }
    }

    @Test
    void aZeroLengthGetTellsWhetherTheObjectExists() {
        try (S3ObjectStore store = LocalS3Fixture.newStore("empty-get")) {
            assertEquals(
                    ReadOutcome.ABSENT,
                    store.get("k", 0, ByteBuffer.allocate(0)).join());
            store.put("k", ByteBuffer.allocate(4)).join();
            assertEquals(
                    ReadOutcome.FOUND, store.get("k", 0, ByteBuffer.allocate(0)).join());
        }
    }
}
