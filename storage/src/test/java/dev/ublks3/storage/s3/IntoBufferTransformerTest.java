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

    /** Feeds one response and body through the transformer as the SDK would. */
    private static CompletableFuture<Integer> run(long offset, ByteBuffer into, GetObjectResponse response,
                                                  byte[] body) {
        IntoBufferTransformer transformer = new IntoBufferTransformer("my-bucket", KEY, offset, into);
        CompletableFuture<Integer> result = transformer.prepare();
        transformer.onResponse(response);
        transformer.onStream(AsyncRequestBody.fromBytes(body));
        return result;
    }

    private static GetObjectResponse.Builder range(long first, long last, long total) {
        return GetObjectResponse.builder().contentLength(last - first + 1)
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
        GetObjectResponse response = range(0, 4095, 4096).checksumCRC32C(crcOf(OBJECT)).build();
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
        assertEquals("object my-bucket/" + KEY + " is corrupt: CRC32C stored " + stored + ", read " + crcOf(rotten),
                e.getMessage());
    }

    @Test
    void anUnrangedWholeObjectResponseIsVerifiedToo() {
        GetObjectResponse response = GetObjectResponse.builder().contentLength(4096L)
                .checksumCRC32C(crcOf(new byte[4096])).build();
        assertEquals(Kind.CORRUPT, failure(run(0, ByteBuffer.allocate(4096), response, OBJECT)).kind());
    }

    @Test
    void anObjectStoredWithoutChecksumOrWithAMultipartOneReadsUnverified() {
        assertEquals(4096, run(0, ByteBuffer.allocate(4096), range(0, 4095, 4096).build(), OBJECT).join());
        GetObjectResponse composite = range(0, 4095, 4096).checksumCRC32C("AAAAAA==-2").build();
        assertEquals(4096, run(0, ByteBuffer.allocate(4096), composite, OBJECT).join());
    }

    @Test
    void aPartOfAnObjectIsNotVerifiedAgainstTheWholeObjectsChecksum() {
        byte[] part = Arrays.copyOfRange(OBJECT, 0, 1024);
        GetObjectResponse response = range(0, 1023, 4096).checksumCRC32C(crcOf(OBJECT)).build();
        assertEquals(1024, run(0, ByteBuffer.allocate(1024), response, part).join());
    }

    @Test
    void anObjectShorterThanTheRangeIsCorruptNamingBothLengths() {
        GetObjectResponse response = range(0, 2999, 3000).build();
        StoreException e = failure(run(0, ByteBuffer.allocate(4096), response, Arrays.copyOf(OBJECT, 3000)));
        assertEquals(Kind.CORRUPT, e.kind());
        assertEquals("object my-bucket/" + KEY + " has 3000 bytes, asked for 4096 at 0: the object is shorter "
                + "than it should be", e.getMessage());
    }

    @Test
    void aResponseForOtherBytesIsCorrupt() {
        GetObjectResponse shifted = range(512, 1535, 4096).build();
        StoreException e = failure(run(0, ByteBuffer.allocate(1024), shifted, new byte[1024]));
        assertEquals(Kind.CORRUPT, e.kind());
        assertTrue(e.getMessage().contains("asked for bytes 0-1023 (1024 bytes) but the server sent bytes 512-1535/4096"),
                e.getMessage());
        GetObjectResponse ignoredRange = GetObjectResponse.builder().contentLength(1024L).build();
        assertTrue(failure(run(512, ByteBuffer.allocate(1024), ignoredRange, new byte[1024])).getMessage()
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
        GetObjectResponse noLength = GetObjectResponse.builder().contentRange("bytes 0-1023/4096").build();
        assertEquals(Kind.CORRUPT, failure(run(0, ByteBuffer.allocate(1024), noLength, OBJECT)).kind());
    }
}
