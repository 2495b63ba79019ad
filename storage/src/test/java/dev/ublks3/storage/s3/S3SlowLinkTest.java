package dev.ublks3.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ublks3.locals3.LocalS3Server;
import dev.ublks3.locals3.ServerOptions;
import dev.ublks3.locals3.ServerRequestCounts;
import dev.ublks3.storage.StorageStack;
import dev.ublks3.storage.layer.RetryPolicy;
import dev.ublks3.storage.layer.StoreCallStats;
import dev.ublks3.storage.testing.LocalS3Fixture;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * More bytes in flight than a slow link carries within a request timeout: the requests must wait their turn for
 * the link and all succeed, not share it so thinly that each one times out. The local server's emulated link is
 * the slow one; the attempt timeout and the retry time are cut to seconds so the test costs seconds.
 */
class S3SlowLinkTest {

    private static final int OBJECT = 1 << 20;
    private static final int OBJECTS = 12;
    /** 12 MiB take 6 s each way: twice the attempt timeout below. */
    private static final long LINK_BYTES_PER_SECOND = 2_000_000;

    @Test
    void manyLargePutsOnASlowLinkQueueForItInsteadOfTimingOut() {
        try (LocalS3Server server =
                LocalS3Server.inMemory(0, new ServerOptions(true, Duration.ZERO, LINK_BYTES_PER_SECOND))) {
            server.createBucket("slow");
            S3Config config = LocalS3Fixture.config(server, "slow")
                    .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3))
                    .withConcurrency(S3Config.DEFAULT_MAX_CONNECTIONS, 2L * OBJECT);
            try (StorageStack stack = StorageStack.open(
                    S3ObjectStore.open(config),
                    new StorageStack.Options("disk", (long) OBJECTS * OBJECT, OBJECT)
                            .withRetry(RetryPolicy.forTime(Duration.ofSeconds(1))))) {
                List<byte[]> data = new ArrayList<>();
                List<CompletableFuture<Void>> writes = new ArrayList<>();
                for (int i = 0; i < OBJECTS; i++) {
                    byte[] object = new byte[OBJECT];
                    new Random(i).nextBytes(object);
                    data.add(object);
                    writes.add(stack.device().write((long) i * OBJECT, ByteBuffer.wrap(object), false));
                }
                CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                        .join();

                List<ByteBuffer> back = new ArrayList<>();
                List<CompletableFuture<Void>> reads = new ArrayList<>();
                for (int i = 0; i < OBJECTS; i++) {
                    back.add(ByteBuffer.allocate(OBJECT));
                    reads.add(stack.device().read((long) i * OBJECT, back.getLast()));
                }
                CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).join();
                for (int i = 0; i < OBJECTS; i++) {
                    assertArrayEquals(data.get(i), back.get(i).array(), "object " + i);
                }
                assertEquals(
                        0,
                        stack.stats().store().stream()
                                .mapToLong(StoreCallStats::retries)
                                .sum(),
                        "no attempt timed out: " + stack.stats().store());
            }
            assertEquals(OBJECTS, server.requestCounts().requests(ServerRequestCounts.Kind.PUT));
        }
    }
}
