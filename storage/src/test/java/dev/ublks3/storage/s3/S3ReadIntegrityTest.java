package dev.ublks3.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.locals3.LocalS3Server;
import dev.ublks3.storage.ObjectMap;
import dev.ublks3.storage.ObjectStore.ReadOutcome;
import dev.ublks3.storage.StoreException;
import dev.ublks3.storage.StoreException.Kind;
import dev.ublks3.storage.testing.LocalS3Fixture;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Objects damaged behind the server's back: S3Proxy's filesystem backend keeps each object as the file
 * {@code DIR/bucket/key} (its user metadata in the file's extended attributes), so a test can cut
 * it short or flip a byte on disk, and the read must fail naming the object, never return the bytes.
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
        store = S3ObjectStore.open(LocalS3Fixture.config(server, BUCKET));
    }

    @AfterAll
    static void stop() {
        store.close();
        server.close();
    }

    private static byte[] randomObject(int seed) {
        return randomBytes(OBJECT_SIZE, seed);
    }

    private static byte[] randomBytes(int size, int seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** The file S3Proxy keeps the object {@code key} of the bucket in, open for writing behind the server's back. */
    private static RandomAccessFile onDisk(String key) throws IOException {
        return new RandomAccessFile(dir.resolve(BUCKET).resolve(key).toFile(), "rw");
    }

    private static void truncateOnDisk(String key, long length) throws IOException {
        try (RandomAccessFile file = onDisk(key)) {
            file.setLength(length);
        }
    }

    private static void flipOnDisk(String key, long at) throws IOException {
        try (RandomAccessFile file = onDisk(key)) {
            file.seek(at);
            int b = file.read();
            file.seek(at);
            file.write(b ^ 0x10);
        }
    }

    /** The checksum metadata S3Proxy keeps with the object, read from the file's xattr. */
    private static String storedChecksums(String key) throws IOException {
        UserDefinedFileAttributeView xattrs =
                Files.getFileAttributeView(dir.resolve(BUCKET).resolve(key), UserDefinedFileAttributeView.class);
        // S3Proxy names it user.user-metadata.KEY through this view, which adds its own "user." on disk
        String name = "user.user-metadata." + GranuleChecksums.METADATA_KEY;
        ByteBuffer value = ByteBuffer.allocate(xattrs.size(name));
        xattrs.read(name, value);
        return new String(value.array(), StandardCharsets.UTF_8);
    }

    /** {@code length} bytes at {@code offset}, read into the middle of a larger buffer; fails on any error. */
    private static byte[] read(S3ObjectStore from, String key, long offset, int length) {
        ByteBuffer buffer = ByteBuffer.allocate(length + 20);
        ByteBuffer into = buffer.slice(10, length);
        assertEquals(ReadOutcome.FOUND, from.get(key, offset, into).join());
        assertEquals(length, into.position());
        assertArrayEquals(new byte[10], Arrays.copyOfRange(buffer.array(), 0, 10), "nothing written before");
        assertArrayEquals(
                new byte[10], Arrays.copyOfRange(buffer.array(), length + 10, length + 20), "nothing written after");
        return Arrays.copyOfRange(buffer.array(), 10, length + 10);
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
        assertEquals(
                "object " + BUCKET + "/" + KEY + " has 5000 bytes, asked for 8192 at 0: the object is shorter "
                        + "than it should be",
                whole.getMessage());
        assertEquals(0, into.position(), "nothing read");

        StoreException pastTheEnd = failure(store.get(KEY, 6000, ByteBuffer.allocate(2192)));
        assertEquals(Kind.CORRUPT, pastTheEnd.kind());
        assertTrue(pastTheEnd.getMessage().contains(BUCKET + "/" + KEY), pastTheEnd.getMessage());
    }

    @Test
    void theObjectMapTurnsACutObjectIntoAFailedReadAndWriteNamingTheKey() throws IOException {
        try (ObjectMap map = new ObjectMap(
                S3ObjectStore.open(LocalS3Fixture.config(server, BUCKET)), "map", 4L * OBJECT_SIZE, OBJECT_SIZE)) {
            String key = map.objectKey(1);
            store.put(key, ByteBuffer.wrap(randomObject(2))).join();
            truncateOnDisk(key, 100);

            StoreException read = failure(map.read(OBJECT_SIZE, ByteBuffer.allocate(OBJECT_SIZE)));
            assertEquals(Kind.CORRUPT, read.kind());
            assertTrue(read.getMessage().contains(BUCKET + "/" + key), read.getMessage());
            // a partial write must not rebuild the object from a damaged copy
            StoreException write = failure(map.write(OBJECT_SIZE + 10, ByteBuffer.allocate(10), false));
            assertEquals(Kind.CORRUPT, write.kind());
            assertEquals(
                    100, dir.resolve(BUCKET).resolve(key).toFile().length(), "the damaged object is left as it is");
        }
    }

    /** A client that PUTs the way nbdkit's boto3 does: no additional checksum, no metadata unless asked. */
    private static S3AsyncClient plainClient(LocalS3Server on) {
        return LocalS3Fixture.plainClient(on)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .build();
    }

    @Test
    void anObjectStoredWithoutAChecksumReadsWholeAndInPart() {
        byte[] data = randomObject(3);
        String key = "nbdkit/0000000000000000";
        try (S3AsyncClient plain = plainClient(server)) {
            plain.putObject(request -> request.bucket(BUCKET).key(key), AsyncRequestBody.fromBytes(data))
                    .join();
        }
        ByteBuffer whole = ByteBuffer.allocate(OBJECT_SIZE);
        assertEquals(ReadOutcome.FOUND, store.get(key, 0, whole).join());
        assertArrayEquals(data, whole.array());
        ByteBuffer part = ByteBuffer.allocate(4096);
        assertEquals(ReadOutcome.FOUND, store.get(key, 4096, part).join());
        assertArrayEquals(Arrays.copyOfRange(data, 4096, OBJECT_SIZE), part.array());
        assertArrayEquals(Arrays.copyOfRange(data, 3000, 5000), read(store, key, 3000, 2000));
    }

    @Test
    void theInMemoryServerKeepsAndReturnsTheChecksumsOnRangedReads() {
        String bucket = LocalS3Fixture.newBucket("integrity");
        byte[] data = randomObject(8);
        try (S3ObjectStore inMemory = S3ObjectStore.open(LocalS3Fixture.config(bucket));
                S3AsyncClient plain = plainClient(LocalS3Fixture.server())) {
            inMemory.put("sound", ByteBuffer.wrap(data)).join();
            assertArrayEquals(Arrays.copyOfRange(data, 4096, 4196), read(inMemory, "sound", 4096, 100));
            // the checksums of other bytes, as if the object had rotten since
            String wrong =
                    GranuleChecksums.of(ByteBuffer.allocate(OBJECT_SIZE), 4096).format();
            plain.putObject(
                            request -> request.bucket(bucket)
                                    .key("rotten")
                                    .metadata(Map.of(GranuleChecksums.METADATA_KEY, wrong)),
                            AsyncRequestBody.fromBytes(data))
                    .join();
            StoreException e = failure(inMemory.get("rotten", 4096, ByteBuffer.allocate(100)));
            assertEquals(Kind.CORRUPT, e.kind());
            assertTrue(
                    e.getMessage().startsWith("object " + bucket + "/rotten is corrupt in bytes 4096-8191"),
                    e.getMessage());
        }
    }

    @Test
    void theLargestObjectsChecksumsFitS3sMetadataAndItsAlignedAndUnalignedPartsReadVerified() throws IOException {
        int size = ObjectMap.MAX_OBJECT_SIZE;
        String key = "large/0000000000000000";
        byte[] data = randomBytes(size, 4);
        try (S3ObjectStore large =
                S3ObjectStore.open(LocalS3Fixture.config(server, BUCKET).withChecksumGranuleFor(size))) {
            assertEquals(128 << 10, large.config().checksumGranule());
            large.put(key, ByteBuffer.wrap(data)).join();
            String stored = storedChecksums(key);
            assertTrue(stored.startsWith("g=131072;"), stored);
            assertEquals(256, GranuleChecksums.parse(stored).count());
            assertTrue(stored.length() + GranuleChecksums.METADATA_KEY.length() < 2048, stored.length() + " bytes");

            long[][] ranges = {
                {0, 128 << 10},
                {256 << 10, 4096},
                {(256 << 10) + 4096, 4096},
                {1_000_003, 12_345},
                {size - 4096, 4096},
                {size - 100, 100},
                {(128 << 10) - 10, 20},
                {0, size}
            };
            for (long[] range : ranges) {
                int offset = (int) range[0];
                int length = (int) range[1];
                assertArrayEquals(
                        Arrays.copyOfRange(data, offset, offset + length),
                        read(large, key, offset, length),
                        "bytes " + offset + "+" + length);
            }

            flipOnDisk(key, (5L << 17) + 7);
            StoreException e = failure(large.get(key, (5L << 17) + 4096, ByteBuffer.allocate(4096)));
            assertEquals(Kind.CORRUPT, e.kind());
            assertTrue(
                    e.getMessage()
                            .startsWith("object " + BUCKET + "/" + key + " is corrupt in bytes 655360-786431 "
                                    + "(granule 5 of 131072 bytes): CRC32C stored 0x"),
                    e.getMessage());
            assertArrayEquals(Arrays.copyOfRange(data, 6 << 17, (6 << 17) + 4096), read(large, key, 6 << 17, 4096));
        }
    }

    @Test
    void aFlippedByteFailsEveryReadOfItsGranuleNamingTheKeyAndSparesTheOtherGranules() throws IOException {
        int size = 128 << 10;
        String key = "flip/0000000000000000";
        byte[] data = randomBytes(size, 5);
        try (S3ObjectStore flip =
                S3ObjectStore.open(LocalS3Fixture.config(server, BUCKET).withChecksumGranuleFor(size))) {
            flip.put(key, ByteBuffer.wrap(data)).join();
            flipOnDisk(key, 40_000); // granule 9: bytes 36864-40959

            ByteBuffer into = ByteBuffer.allocate(4096);
            StoreException aligned = failure(flip.get(key, 36864, into));
            assertEquals(Kind.CORRUPT, aligned.kind());
            assertFalse(aligned.retryable());
            assertEquals(key, aligned.key());
            assertTrue(
                    aligned.getMessage()
                            .matches(
                                    "object " + BUCKET + "/" + key + " is corrupt in bytes "
                                            + "36864-40959 \\(granule 9 of 4096 bytes\\): CRC32C stored 0x[0-9a-f]{8}, read 0x[0-9a-f]{8}"),
                    aligned.getMessage());
            assertEquals(0, into.position(), "nothing read");
            // a few bytes of the granule, even ones far from the flipped one, and a range that spans it
            assertEquals(
                    Kind.CORRUPT,
                    failure(flip.get(key, 36900, ByteBuffer.allocate(10))).kind());
            assertEquals(
                    Kind.CORRUPT,
                    failure(flip.get(key, 30000, ByteBuffer.allocate(20000))).kind());
            assertEquals(
                    Kind.CORRUPT,
                    failure(flip.get(key, 0, ByteBuffer.allocate(size))).kind());

            assertArrayEquals(Arrays.copyOfRange(data, 40960, 45056), read(flip, key, 40960, 4096));
            assertArrayEquals(Arrays.copyOfRange(data, 32768, 36864), read(flip, key, 32768, 4096));
            assertArrayEquals(Arrays.copyOfRange(data, 41000, 41100), read(flip, key, 41000, 100));
        }
    }

    @Test
    void theObjectMapFailsTheReadOfAFlippedGranuleAndRefusesToRebuildItsObject() throws IOException {
        int size = 64 << 10;
        try (ObjectMap map = new ObjectMap(
                S3ObjectStore.open(LocalS3Fixture.config(server, BUCKET).withChecksumGranuleFor(size)),
                "flipped-map",
                4L * size,
                size,
                0)) { // no copies: partial writes GET
            String key = map.objectKey(2);
            byte[] data = randomBytes(size, 6);
            map.write(2L * size, ByteBuffer.wrap(data), false).join();
            flipOnDisk(key, 5000);

            ByteBuffer into = ByteBuffer.allocate(4096);
            StoreException read = failure(map.read(2L * size + 4096, into));
            assertEquals(Kind.CORRUPT, read.kind());
            assertTrue(
                    read.getMessage().contains(BUCKET + "/" + key + " is corrupt in bytes 4096-8191"),
                    read.getMessage());
            assertArrayEquals(new byte[4096], into.array(), "the device gets an error, never the bytes");
            // a read spanning two objects fails too, and the sound granule of the same object reads
            assertEquals(
                    Kind.CORRUPT,
                    failure(map.read(2L * size - 4096, ByteBuffer.allocate(16384)))
                            .kind());
            ByteBuffer sound = ByteBuffer.allocate(4096);
            map.read(2L * size + 8192, sound).join();
            assertArrayEquals(Arrays.copyOfRange(data, 8192, 12288), sound.array());
            // a partial write must not rebuild the object from a damaged copy
            assertEquals(
                    Kind.CORRUPT,
                    failure(map.write(2L * size + 10, ByteBuffer.allocate(10), false))
                            .kind());
        }
    }

    @Test
    void theLastShortGranuleAndAnObjectShorterThanTheGranuleReadVerified() throws IOException {
        byte[] data = randomBytes(10_000, 7);
        String shortTail = "tail/0000000000000000";
        store.put(shortTail, ByteBuffer.wrap(data)).join(); // granules 0-4095, 4096-8191, 8192-9999
        assertEquals(3, GranuleChecksums.parse(storedChecksums(shortTail)).count());
        assertArrayEquals(Arrays.copyOfRange(data, 9000, 10_000), read(store, shortTail, 9000, 1000));
        assertArrayEquals(Arrays.copyOfRange(data, 8192, 10_000), read(store, shortTail, 8192, 1808));
        assertArrayEquals(data, read(store, shortTail, 0, 10_000));
        StoreException pastTheEnd = failure(store.get(shortTail, 8192, ByteBuffer.allocate(4096)));
        assertEquals(
                "object " + BUCKET + "/" + shortTail + " has 10000 bytes, asked for 4096 at 8192: the object is "
                        + "shorter than it should be",
                pastTheEnd.getMessage());
        flipOnDisk(shortTail, 9999);
        assertTrue(failure(store.get(shortTail, 9000, ByteBuffer.allocate(10)))
                .getMessage()
                .contains("is corrupt in bytes 8192-9999 (granule 2 of 4096 bytes)"));

        // configured for 4 MiB objects (16 KiB granules): a 10000-byte object is one short granule
        String small = "small/0000000000000000";
        try (S3ObjectStore bigObjects =
                S3ObjectStore.open(LocalS3Fixture.config(server, BUCKET).withChecksumGranuleFor(4 << 20))) {
            bigObjects.put(small, ByteBuffer.wrap(data)).join();
            assertEquals(1, GranuleChecksums.parse(storedChecksums(small)).count());
            assertArrayEquals(Arrays.copyOfRange(data, 4096, 8192), read(bigObjects, small, 4096, 4096));
            flipOnDisk(small, 1);
            assertTrue(failure(bigObjects.get(small, 4096, ByteBuffer.allocate(4096)))
                    .getMessage()
                    .contains("is corrupt in bytes 0-9999 (granule 0 of 16384 bytes)"));
            // a store configured for smaller granules verifies the object's granules its reads cover whole
            assertEquals(
                    Kind.CORRUPT,
                    failure(store.get(small, 0, ByteBuffer.allocate(10_000))).kind());
        }
    }
}
