package dev.ublks3.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.storage.StoreException;
import dev.ublks3.storage.StoreException.Kind;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * The checks on a GET's response, driven with the responses S3 sends: S3Proxy never sends a checksum on a ranged
 * response, so the whole-object CRC32C path is exercised here rather than through the local server.
 */
class IntoBufferTransformerTest {

    private static final String KEY = "disk/0000000000000003";
    private static final byte[] OBJECT = new byte[4096];

    static {
        new java.util.Random(3).nextBytes(OBJECT);
    }

    private static String crcOf(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return IntoBufferTransformer.encode((int) crc.getValue());
    }

    /** Feeds one response and body through the transformer as the SDK would, in granules as small as the reads. */
    private static CompletableFuture<Integer> run(
            long offset, ByteBuffer into, GetObjectResponse response, byte[] body) {
        return run(1024, offset, into, response, body);
    }

    private static CompletableFuture<Integer> run(
            int granule, long offset, ByteBuffer into, GetObjectResponse response, byte[] body) {
        IntoBufferTransformer transformer = new IntoBufferTransformer("my-bucket", KEY, offset, into, granule, 0);
        CompletableFuture<Integer> result = transformer.prepare();
        transformer.onResponse(response);
        transformer.onStream(AsyncRequestBody.fromBytes(body));
        return result;
    }

    private static GetObjectResponse.Builder range(long first, long last, long total) {
        return GetObjectResponse.builder()
                .contentLength(last - first + 1)
                .contentRange("bytes " + first + "-" + last + "/" + total);
    }

    private static StoreException failure(CompletableFuture<?> result) {
        CompletionException e = assertThrows(CompletionException.class, result::join);
        StoreException store = assertInstanceOf(StoreException.class, e.getCause());
        assertFalse(store.getMessage().contains("\n"), store.getMessage());
        assertEquals(KEY, store.key());
        return store;
    }

    @Test
    void aWholeObjectWithItsMatchingChecksumReads() {
        ByteBuffer into = ByteBuffer.allocate(4096);
        GetObjectResponse response =
                range(0, 4095, 4096).checksumCRC32C(crcOf(OBJECT)).build();
        assertEquals(4096, run(0, into, response, OBJECT).join());
        assertArrayEquals(OBJECT, into.array());
    }

    @Test
    void aWholeObjectWhoseBytesDoNotMatchItsChecksumIsCorruptNamingBothValues() {
        byte[] rotten = OBJECT.clone();
        rotten[1000] ^= 0x40;
        String stored = crcOf(OBJECT);
        GetObjectResponse response = range(0, 4095, 4096).checksumCRC32C(stored).build();
        StoreException e = failure(run(0, ByteBuffer.allocate(4096), response, rotten));
        assertEquals(Kind.CORRUPT, e.kind());
        assertFalse(e.retryable());
        assertEquals(
                "object my-bucket/" + KEY + " is corrupt: CRC32C stored " + stored + ", read " + crcOf(rotten),
                e.getMessage());
    }

    @Test
    void anUnrangedWholeObjectResponseIsVerifiedToo() {
        GetObjectResponse response = GetObjectResponse.builder()
                .contentLength(4096L)
                .checksumCRC32C(crcOf(new byte[4096]))
                .build();
        assertEquals(
                Kind.CORRUPT,
                failure(run(0, ByteBuffer.allocate(4096), response, OBJECT)).kind());
    }

    @Test
    void anObjectStoredWithoutChecksumOrWithAMultipartOneReadsUnverified() {
        assertEquals(
                4096,
                run(0, ByteBuffer.allocate(4096), range(0, 4095, 4096).build(), OBJECT)
                        .join());
        GetObjectResponse composite =
                range(0, 4095, 4096).checksumCRC32C("AAAAAA==-2").build();
        assertEquals(4096, run(0, ByteBuffer.allocate(4096), composite, OBJECT).join());
    }

    @Test
    void aPartOfAnObjectIsNotVerifiedAgainstTheWholeObjectsChecksum() {
        byte[] part = Arrays.copyOfRange(OBJECT, 0, 1024);
        GetObjectResponse response =
                range(0, 1023, 4096).checksumCRC32C(crcOf(OBJECT)).build();
        assertEquals(1024, run(0, ByteBuffer.allocate(1024), response, part).join());
    }

    @Test
    void anObjectShorterThanTheRangeIsCorruptNamingBothLengths() {
        GetObjectResponse response = range(0, 2999, 3000).build();
        StoreException e = failure(run(0, ByteBuffer.allocate(4096), response, Arrays.copyOf(OBJECT, 3000)));
        assertEquals(Kind.CORRUPT, e.kind());
        assertEquals(
                "object my-bucket/" + KEY + " has 3000 bytes, asked for 4096 at 0: the object is shorter "
                        + "than it should be",
                e.getMessage());
    }

    @Test
    void aResponseForOtherBytesIsCorrupt() {
        GetObjectResponse shifted = range(512, 1535, 4096).build();
        StoreException e = failure(run(0, ByteBuffer.allocate(1024), shifted, new byte[1024]));
        assertEquals(Kind.CORRUPT, e.kind());
        assertTrue(
                e.getMessage().contains("asked for bytes 0-1023 (1024 bytes) but the server sent bytes 512-1535/4096"),
                e.getMessage());
        GetObjectResponse ignoredRange =
                GetObjectResponse.builder().contentLength(1024L).build();
        assertTrue(failure(run(1024, ByteBuffer.allocate(1024), ignoredRange, new byte[1024]))
                .getMessage()
                .contains("the server ignored the range"));
    }

    @Test
    void aBodyCutBeforeItsContentLengthIsARetryableConnectionFault() {
        ByteBuffer into = ByteBuffer.allocate(4096);
        StoreException e = failure(run(0, into, range(0, 4095, 4096).build(), Arrays.copyOf(OBJECT, 1000)));
        assertEquals(Kind.CONNECTION, e.kind());
        assertTrue(e.retryable());
        assertEquals("GET my-bucket/" + KEY + " was cut: got 1000 of 4096 bytes", e.getMessage());
        assertEquals(0, into.position(), "the caller's buffer position is left alone on failure");
    }

    @Test
    void aBodyLongerThanAskedIsCorrupt() {
        GetObjectResponse noLength =
                GetObjectResponse.builder().contentRange("bytes 0-1023/4096").build();
        assertEquals(
                Kind.CORRUPT,
                failure(run(0, ByteBuffer.allocate(1024), noLength, OBJECT)).kind());
    }

    // ---- per-granule CRC32Cs from the object's metadata ----

    /** A 10000-byte object: granules 0-4095, 4096-8191 and the short 8192-9999. */
    private static final byte[] STORED = new byte[10000];

    static {
        new java.util.Random(7).nextBytes(STORED);
    }

    private static String checksums(byte[] object, int granule) {
        return GranuleChecksums.of(ByteBuffer.wrap(object), granule).format();
    }

    /** The response S3 sends for {@code bytes=first-last} of {@link #STORED}, with the metadata given. */
    private static GetObjectResponse stored(long first, long last, String metadata) {
        long end = Math.min(last + 1, STORED.length);
        return range(first, end - 1, STORED.length)
                .metadata(Map.of(GranuleChecksums.METADATA_KEY, metadata))
                .build();
    }

    private static byte[] body(byte[] object, long first, long last) {
        return Arrays.copyOfRange(object, (int) first, (int) Math.min(last + 1, object.length));
    }

    private static byte[] flipped(int at) {
        byte[] rotten = STORED.clone();
        rotten[at] ^= 0x01;
        return rotten;
    }

    @Test
    void anAlignedReadAsksForExactlyItsOwnRange() {
        IntoBufferTransformer transformer =
                new IntoBufferTransformer("b", KEY, 4096, ByteBuffer.allocate(8192), 4096, 0);
        assertEquals("bytes=4096-12287", transformer.range());
    }

    @Test
    void anUnalignedReadIsWidenedToWholeGranulesVerifiedAndOnlyTheCallersBytesCopied() {
        ByteBuffer buffer = ByteBuffer.allocate(200);
        ByteBuffer into = buffer.position(50).slice(50, 100);
        IntoBufferTransformer transformer = new IntoBufferTransformer("my-bucket", KEY, 5000, into, 4096, 0);
        assertEquals("bytes=4096-8191", transformer.range());

        String metadata = checksums(STORED, 4096);
        assertEquals(
                100,
                run(4096, 5000, into, stored(4096, 8191, metadata), body(STORED, 4096, 8191))
                        .join());
        assertArrayEquals(Arrays.copyOfRange(STORED, 5000, 5100), Arrays.copyOfRange(buffer.array(), 50, 150));
        assertArrayEquals(new byte[50], Arrays.copyOfRange(buffer.array(), 0, 50), "nothing before the range");
        assertArrayEquals(new byte[50], Arrays.copyOfRange(buffer.array(), 150, 200), "nothing after the range");
        assertEquals(0, into.position(), "the store advances the position, not the transformer");
    }

    @Test
    void theLastGranuleMayReachPastTheObjectsEndAndIsVerifiedToIt() {
        String metadata = checksums(STORED, 4096);
        ByteBuffer tail = ByteBuffer.allocate(1000);
        assertEquals("bytes=8192-12287", new IntoBufferTransformer("b", KEY, 9000, tail, 4096, 0).range());
        assertEquals(
                1000,
                run(4096, 9000, tail, stored(8192, 12287, metadata), body(STORED, 8192, 12287))
                        .join());
        assertArrayEquals(Arrays.copyOfRange(STORED, 9000, 10000), tail.array());

        ByteBuffer whole = ByteBuffer.allocate(STORED.length);
        assertEquals(
                STORED.length,
                run(4096, 0, whole, stored(0, 12287, metadata), STORED).join());
        assertArrayEquals(STORED, whole.array());

        StoreException e = failure(run(
                4096,
                9000,
                ByteBuffer.allocate(1000),
                stored(8192, 12287, metadata),
                body(flipped(9999), 8192, 12287)));
        assertEquals(Kind.CORRUPT, e.kind());
        assertTrue(e.getMessage().contains("is corrupt in bytes 8192-9999 (granule 2 of 4096 bytes)"), e.getMessage());
    }

    @Test
    void aFlippedByteAnywhereInACoveredGranuleIsCorruptNamingTheGranuleAndBothCrcs() {
        String metadata = checksums(STORED, 4096);
        byte[] rotten = flipped(6000); // outside the caller's 100 bytes, inside their granule
        ByteBuffer into = ByteBuffer.allocate(100);
        StoreException e = failure(run(4096, 5000, into, stored(4096, 8191, metadata), body(rotten, 4096, 8191)));
        assertEquals(Kind.CORRUPT, e.kind());
        assertFalse(e.retryable());
        CRC32C read = new CRC32C();
        read.update(rotten, 4096, 4096);
        assertEquals(
                "object my-bucket/" + KEY + " is corrupt in bytes 4096-8191 (granule 1 of 4096 bytes): CRC32C "
                        + "stored "
                        + GranuleChecksums.hex(GranuleChecksums.parse(metadata).crc(1)) + ", read "
                        + GranuleChecksums.hex((int) read.getValue()),
                e.getMessage());
        assertArrayEquals(new byte[100], into.array(), "a rotten granule never reaches the caller's buffer");

        // read straight into the caller's buffer: the read fails all the same
        assertEquals(
                Kind.CORRUPT,
                failure(run(
                                4096,
                                4096,
                                ByteBuffer.allocate(4096),
                                stored(4096, 8191, metadata),
                                body(rotten, 4096, 8191)))
                        .kind());
        // the granule before is sound
        assertEquals(
                4096,
                run(4096, 0, ByteBuffer.allocate(4096), stored(0, 4095, metadata), body(rotten, 0, 4095))
                        .join());
    }

    @Test
    void unreadableChecksumMetadataIsCorruptNamingTheObject() {
        for (String metadata : new String[] {"garbage", "g=3000;AAAAAA==", "g=4096;AAA=", "g=4096;A", "g=;"}) {
            StoreException e =
                    failure(run(4096, 0, ByteBuffer.allocate(4096), stored(0, 4095, metadata), body(STORED, 0, 4095)));
            assertEquals(Kind.CORRUPT, e.kind(), metadata);
            assertTrue(
                    e.getMessage()
                            .startsWith("object my-bucket/" + KEY + " has unreadable checksum metadata "
                                    + "x-amz-meta-ublk-crc32c ("),
                    e.getMessage());
        }
    }

    @Test
    void checksumMetadataForAnotherLengthIsCorrupt() {
        String forLonger = checksums(Arrays.copyOf(STORED, 12288 + 1), 4096);
        StoreException e =
                failure(run(4096, 0, ByteBuffer.allocate(4096), stored(0, 4095, forLonger), body(STORED, 0, 4095)));
        assertEquals(Kind.CORRUPT, e.kind());
        assertEquals(
                "object my-bucket/" + KEY + " has 10000 bytes but its checksum metadata lists 4 granules of "
                        + "4096 bytes: it is not the object written",
                e.getMessage());
    }

    @Test
    void anObjectChecksummedInSmallerGranulesIsVerifiedWhole() {
        String metadata = checksums(STORED, 4096);
        assertEquals(
                100,
                run(8192, 5000, ByteBuffer.allocate(100), stored(0, 8191, metadata), body(STORED, 0, 8191))
                        .join());
        StoreException e = failure(
                run(8192, 5000, ByteBuffer.allocate(100), stored(0, 8191, metadata), body(flipped(100), 0, 8191)));
        assertTrue(e.getMessage().contains("in bytes 0-4095 (granule 0 of 4096 bytes)"), e.getMessage());
    }

    @Test
    void anObjectChecksummedInLargerGranulesIsVerifiedWhereTheRangeCoversAGranuleWhole() {
        String metadata = checksums(STORED, 8192);
        // 4096-8191 is half of granule 0-8191: nothing to check it against
        assertEquals(
                4096,
                run(
                                4096,
                                4096,
                                ByteBuffer.allocate(4096),
                                stored(4096, 8191, metadata),
                                body(flipped(5000), 4096, 8191))
                        .join());
        // 8192-9999 is all of the last granule
        assertEquals(
                Kind.CORRUPT,
                failure(run(
                                4096,
                                8192,
                                ByteBuffer.allocate(1808),
                                stored(8192, 12287, metadata),
                                body(flipped(9000), 8192, 12287)))
                        .kind());
        assertEquals(
                Kind.CORRUPT,
                failure(run(
                                4096,
                                0,
                                ByteBuffer.allocate(8192),
                                stored(0, 8191, metadata),
                                body(flipped(5000), 0, 8191)))
                        .kind());
    }

    @Test
    void anAbandonedWidenedReadNeverWritesTheCallersBuffer() {
        ByteBuffer into = ByteBuffer.allocate(100);
        IntoBufferTransformer transformer = new IntoBufferTransformer("my-bucket", KEY, 5000, into, 4096, 0);
        CompletableFuture<Integer> result = transformer.prepare();
        transformer.onResponse(stored(4096, 8191, checksums(STORED, 4096)));
        StoreException timeout = new StoreException(Kind.TIMEOUT, "GET", KEY, "timed out");
        transformer.abandon(timeout);
        transformer.onStream(AsyncRequestBody.fromBytes(body(STORED, 4096, 8191)));
        assertEquals(Kind.TIMEOUT, failure(result).kind());
        assertArrayEquals(new byte[100], into.array());
    }
}
