package dev.ublks3.locals3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

class EmulatedLinkBlobStoreTest {

    private static final long MS = 1_000_000;
    private static final long SECOND = 1_000_000_000;

    /** Time that moves only when the link sleeps. */
    private static final class FakeClock implements EmulatedLinkBlobStore.Clock {
        long now = 42 * SECOND;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleepNanos(long nanos) {
            now += nanos;
        }
    }

    private final FakeClock clock = new FakeClock();
    private final TransientNio2BlobStore storage = new TransientNio2BlobStore();

    @Test
    void everyRequestWaitsTheLatencyOnceWithoutABandwidthCap() throws IOException {
        storage.createContainer("b");
        try (EmulatedLinkBlobStore link = new EmulatedLinkBlobStore(storage, Duration.ofMillis(20), 0, clock)) {
            long start = clock.now;
            link.putBlob(PutObjectRequest.builder().bucket("b").key("k").build(), body(1 << 20));
            try (InputStream in =
                    link.getBlob(GetObjectRequest.builder().bucket("b").key("k").build())) {
                in.readAllBytes();
            }
            link.list(ListObjectsV2Request.builder().bucket("b").build());
            link.blobMetadata(HeadObjectRequest.builder().bucket("b").key("k").build());
            link.removeBlobs(DeleteObjectsRequest.builder()
                    .bucket("b")
                    .delete(Delete.builder()
                            .objects(
                                    ObjectIdentifier.builder().key("k").build(),
                                    ObjectIdentifier.builder().key("x").build())
                            .build())
                    .build());
            link.containerExists("b"); // a bucket operation, through HeadBucket
            assertEquals(6 * 20 * MS, clock.now - start, "6 requests, 20 ms each, bodies free");
        }
    }

    @Test
    void bodiesCrossOnePipePerDirectionAtTheGivenRate() throws IOException {
        storage.createContainer("b");
        try (EmulatedLinkBlobStore link = new EmulatedLinkBlobStore(storage, Duration.ZERO, 1_000_000, clock)) {
            long start = clock.now;
            link.putBlob(PutObjectRequest.builder().bucket("b").key("k").build(), body(2_000_000));
            long put = clock.now - start;
            assertEquals(2 * SECOND, put, 1000, "2 MB in at 1 MB/s");

            start = clock.now;
            try (InputStream in = link.getBlob(GetObjectRequest.builder()
                    .bucket("b")
                    .key("k")
                    .range("bytes=0-499999")
                    .build())) {
                assertEquals(0, clock.now - start, "the GET body is charged as it is read, not up front");
                assertEquals(500_000, in.readAllBytes().length);
            }
            assertEquals(
                    SECOND / 2,
                    clock.now - start,
                    1000,
                    "0.5 MB out at 1 MB/s: the busy inbound pipe does not slow the outbound one");
        }
    }

    @Test
    void aNegativeRateOrLatencyIsRefused() {
        assertTrue(assertRefused(() -> new ServerOptions(false, Duration.ofMillis(-1), 0))
                .startsWith("latency"));
        assertTrue(
                assertRefused(() -> new ServerOptions(false, Duration.ZERO, -5)).startsWith("bandwidth -5"));
    }

    @Test
    void aRealServerWithLatencyAnswersNoSoonerThanIt() {
        try (LocalS3Server server = LocalS3Server.inMemory(0, new ServerOptions(false, Duration.ofMillis(50), 0))) {
            server.createBucket("slow");
            try (S3AsyncClient client = PlainS3Client.of(server)) {
                long start = System.nanoTime();
                client.putObject(r -> r.bucket("slow").key("k"), AsyncRequestBody.fromBytes(new byte[4096]))
                        .join();
                long elapsed = System.nanoTime() - start;
                assertTrue(elapsed >= 50 * MS, "a PUT took " + elapsed / MS + " ms, less than the 50 ms latency");
            }
        }
    }

    private static String assertRefused(Runnable make) {
        return org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, make::run)
                .getMessage();
    }

    private static InputStream body(int size) {
        return new ByteArrayInputStream(new byte[size]);
    }
}
