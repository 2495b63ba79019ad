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
import dev.ublks3.storage.local.LocalS3Server;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Objects damaged behind the server's back: S3Proxy's filesystem backend keeps each object as the file
 * {@code DIR/bucket/key}, so a test can cut it short on disk, and the read must fail naming the object, never
 * return the bytes.
 */
class S3ReadIntegrityTest {

    private static final String BUCKET = "integrity";
    private static final String KEY = "disk/0000000000000003";
    private static final int OBJECT_SIZE = 8192;

    @TempDir
    static Path dir;
    private static LocalS3Server server;
    private static S3ObjectStore store;

    @BeforeAll
    static void start() {
        server = LocalS3Server.onDirectory(dir);
        server.createBucket(BUCKET);
        store = S3ObjectStore.open(server.clientConfig(BUCKET));
    }

    @AfterAll
    static void stop() {
        store.close();
        server.close();
    }

    private static byte[] randomObject(int seed) {
        byte[] data = new byte[OBJECT_SIZE];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static void truncateOnDisk(String key, long length) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(dir.resolve(BUCKET).resolve(key).toFile(), "rw")) {
            file.setLength(length);
        }
    }

    private static StoreException failure(CompletableFuture<?> call) {
        CompletionException e = assertThrows(CompletionException.class, call::join);
        StoreException store = assertInstanceOf(StoreException.class, e.getCause(), () -> "cause of " + e);
        assertFalse(store.getMessage().contains("\n"), store.getMessage());
        return store;
    }

    @Test
    void anObjectCutShortOnDiskFailsCorruptNamingTheObjectAndBothLengths() throws IOException {
        store.put(KEY, ByteBuffer.wrap(randomObject(1))).join();
        truncateOnDisk(KEY, 5000);

        ByteBuffer into = ByteBuffer.allocate(OBJECT_SIZE);
        StoreException whole = failure(store.get(KEY, 0, into));
        assertEquals(Kind.CORRUPT, whole.kind());
        assertFalse(whole.retryable());
        assertEquals(KEY, whole.key());
        assertEquals("object " + BUCKET + "/" + KEY + " has 5000 bytes, asked for 8192 at 0: the object is shorter "
                + "than it should be", whole.getMessage());
        assertEquals(0, into.position(), "nothing read");

        StoreException pastTheEnd = failure(store.get(KEY, 6000, ByteBuffer.allocate(2192)));
        assertEquals(Kind.CORRUPT, pastTheEnd.kind());
        assertTrue(pastTheEnd.getMessage().contains(BUCKET + "/" + KEY), pastTheEnd.getMessage());
    }

    @Test
    void theObjectMapTurnsACutObjectIntoAFailedReadAndWriteNamingTheKey() throws IOException {
        try (ObjectMap map = new ObjectMap(S3ObjectStore.open(server.clientConfig(BUCKET)), "map", 4L * OBJECT_SIZE,
                OBJECT_SIZE)) {
            String key = map.objectKey(1);
            store.put(key, ByteBuffer.wrap(randomObject(2))).join();
            truncateOnDisk(key, 100);

            StoreException read = failure(map.read(OBJECT_SIZE, ByteBuffer.allocate(OBJECT_SIZE)));
            assertEquals(Kind.CORRUPT, read.kind());
            assertTrue(read.getMessage().contains(BUCKET + "/" + key), read.getMessage());
            // a partial write must not rebuild the object from a damaged copy
            StoreException write = failure(map.write(OBJECT_SIZE + 10, ByteBuffer.allocate(10), false));
            assertEquals(Kind.CORRUPT, write.kind());
            assertEquals(100, dir.resolve(BUCKET).resolve(key).toFile().length(), "the damaged object is left as it is");
        }
    }

    @Test
    void anObjectStoredWithoutAChecksumReadsWholeAndInPart() {
        // the way nbdkit's boto3 writes: a plain PUT without an additional checksum
        byte[] data = randomObject(3);
        String key = "nbdkit/0000000000000000";
        try (S3AsyncClient plain = S3AsyncClient.crtBuilder().region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        LocalS3Server.IDENTITY, LocalS3Server.CREDENTIAL)))
                .endpointOverride(server.endpoint()).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED).build()) {
            plain.putObject(request -> request.bucket(BUCKET).key(key), AsyncRequestBody.fromBytes(data)).join();
        }
        ByteBuffer whole = ByteBuffer.allocate(OBJECT_SIZE);
        assertEquals(ReadOutcome.FOUND, store.get(key, 0, whole).join());
        assertArrayEquals(data, whole.array());
        ByteBuffer part = ByteBuffer.allocate(4096);
        assertEquals(ReadOutcome.FOUND, store.get(key, 4096, part).join());
        assertArrayEquals(Arrays.copyOfRange(data, 4096, OBJECT_SIZE), part.array());
    }
}
