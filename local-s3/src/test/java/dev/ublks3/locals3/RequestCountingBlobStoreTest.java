package dev.ublks3.locals3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.locals3.ServerRequestCounts.Kind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsRequest;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

class RequestCountingBlobStoreTest {

    @Test
    void countsAreRefusedClearlyWhenCountingIsOff() {
        try (LocalS3Server server = LocalS3Server.inMemory()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, server::requestCounts);
            assertTrue(e.getMessage().startsWith("this local S3 server does not count requests"), e.getMessage());
        }
    }

    @Test
    void otherClientsPathsAreClassified() throws IOException {
        // what boto3 (nbdkit's S3 plugin) or the AWS CLI may send besides our client's requests
        try (RequestCountingBlobStore store = new RequestCountingBlobStore(new TransientNio2BlobStore())) {
            store.createContainer("b");
            store.putBlob(PutObjectRequest.builder().bucket("b").key("k").build(), body(10_000));
            try (InputStream in = store.getBlob(GetObjectRequest.builder()
                    .bucket("b")
                    .key("k")
                    .range("bytes=1000-")
                    .build())) {
                assertEquals(9000, in.readAllBytes().length);
            }
            try (InputStream in = store.getBlob(GetObjectRequest.builder()
                    .bucket("b")
                    .key("k")
                    .range("bytes=512-1023")
                    .build())) {
                in.readAllBytes();
            }
            try (InputStream in = store.getBlob(
                    GetObjectRequest.builder().bucket("b").key("k").build())) {
                in.readAllBytes();
            }
            store.listV1(ListObjectsRequest.builder().bucket("b").build());
            store.blobMetadataIfPresent(
                    HeadObjectRequest.builder().bucket("b").key("k").build());
            store.removeBlobs(DeleteObjectsRequest.builder()
                    .bucket("b")
                    .delete(Delete.builder()
                            .objects(
                                    ObjectIdentifier.builder().key("k").build(),
                                    ObjectIdentifier.builder().key("x").build(),
                                    ObjectIdentifier.builder().key("y").build())
                            .build())
                    .build());

            ServerRequestCounts counts = store.snapshot();
            assertEquals(
                    java.util.Map.of(
                            Kind.GET,
                            3L,
                            Kind.PUT,
                            1L,
                            Kind.LIST,
                            1L,
                            Kind.DELETE,
                            0L,
                            Kind.DELETE_OBJECTS,
                            1L,
                            Kind.HEAD,
                            1L,
                            Kind.OTHER,
                            1L),
                    counts.requests());
            assertEquals(3, counts.keysDeleted(), "one DeleteObjects, not one DELETE per key");
            assertEquals(10_000, counts.bytesIn());
            assertEquals(9000 + 512 + 10_000, counts.bytesOut());
            assertEquals(java.util.Map.of(512L, 1L, 16384L, 2L), counts.getSizes());
            assertEquals(
                    "{\"object start\":1,\"4K\":0,\"512\":1,\"unaligned\":1}",
                    counts.toJson().replaceAll(".*\"getAlignment\":(\\{.*\\})}$", "$1"));
        }
    }

    @Test
    void aPutCountsAsReadModifyWriteOnlyRightAfterAGetOfTheSameKey() throws IOException {
        AtomicLong now = new AtomicLong();
        try (RequestCountingBlobStore store = new RequestCountingBlobStore(new TransientNio2BlobStore(), now::get)) {
            store.createContainer("b");
            for (String key : List.of("near", "late", "other", "headed")) {
                store.putBlob(PutObjectRequest.builder().bucket("b").key(key).build(), body(4096));
                store.getBlob(GetObjectRequest.builder().bucket("b").key(key).build())
                        .close();
            }
            now.addAndGet(RequestCountingBlobStore.RMW_WINDOW.toNanos());
            store.putBlob(PutObjectRequest.builder().bucket("b").key("near").build(), body(4096)); // at the limit
            store.putBlob(PutObjectRequest.builder().bucket("b").key("near").build(), body(4096)); // no GET before
            store.blobMetadata(
                    HeadObjectRequest.builder().bucket("b").key("headed").build());
            store.putBlob(PutObjectRequest.builder().bucket("b").key("headed").build(), body(4096)); // HEAD between
            now.incrementAndGet();
            store.putBlob(PutObjectRequest.builder().bucket("b").key("late").build(), body(4096)); // too late
            assertEquals(1, store.snapshot().readModifyWrite());
        }
    }

    @Test
    void sizesFallInPowerOfTwoBucketsFrom512() {
        assertEquals(512, ServerRequestCounts.sizeBucket(0));
        assertEquals(512, ServerRequestCounts.sizeBucket(512));
        assertEquals(1024, ServerRequestCounts.sizeBucket(513));
        assertEquals(4096, ServerRequestCounts.sizeBucket(4096));
        assertEquals(8192, ServerRequestCounts.sizeBucket(4097));
        assertEquals(1L << 62, ServerRequestCounts.sizeBucket((1L << 61) + 1));
    }

    @Test
    void theRangeStartComesFromTheAnswerElseTheRequest() {
        assertEquals(8192, RequestCountingBlobStore.rangeStart("bytes 8192-12287/65536", "bytes=8192-12287"));
        assertEquals(9000, RequestCountingBlobStore.rangeStart("bytes 9000-9999/10000", "bytes=-1000"));
        assertEquals(100, RequestCountingBlobStore.rangeStart(null, "bytes=100-"));
        assertEquals(0, RequestCountingBlobStore.rangeStart(null, null));
    }

    private static InputStream body(int size) {
        return new ByteArrayInputStream(new byte[size]);
    }
}
