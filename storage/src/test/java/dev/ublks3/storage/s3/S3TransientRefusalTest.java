package dev.ublks3.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.locals3.FaultPlan;
import dev.ublks3.locals3.FaultPlan.Fault;
import dev.ublks3.locals3.LocalS3Server;
import dev.ublks3.locals3.ServerOptions;
import dev.ublks3.storage.ObjectStore.ReadOutcome;
import dev.ublks3.storage.StoreException;
import dev.ublks3.storage.StoreException.Kind;
import dev.ublks3.storage.layer.RetryObjectStore;
import dev.ublks3.storage.layer.RetryPolicy;
import dev.ublks3.storage.layer.StoreCall;
import dev.ublks3.storage.testing.LocalS3Fixture;
import dev.ublks3.storage.testing.StoreFailures;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Refusals that are usually transient, from the local S3 server's fault injection as S3 sends them: expired
 * credentials (ExpiredToken, TokenRefreshRequired) and a clock too far off (RequestTimeTooSkewed) on any request,
 * and a PUT body that arrived damaged (BadDigest). Each is retryable, so within the retry time the call succeeds
 * once the server takes it, instead of failing (EIO) at once.
 */
class S3TransientRefusalTest {

    private static final String BUCKET = "transient";
    private static final String KEY = "disk/0000000000000000";
    private static final RetryPolicy QUICK =
            new RetryPolicy(40, Duration.ofMillis(1), Duration.ofMillis(10), Duration.ofSeconds(30));

    private static LocalS3Server server(Fault fault, double rate) {
        LocalS3Server server = LocalS3Server.inMemory(
                0,
                new ServerOptions(
                        false, Duration.ZERO, 0, new FaultPlan(Map.of(fault, rate), 1, Duration.ofSeconds(8))));
        server.createBucket(BUCKET);
        return server;
    }

    @ParameterizedTest
    @EnumSource(
            value = Fault.class,
            names = {"EXPIRED_TOKEN", "TOKEN_REFRESH", "CLOCK_SKEW", "BAD_DIGEST"})
    void anAttemptRefusedIsRetryable(Fault fault) {
        try (LocalS3Server server = server(fault, 1.0);
                S3ObjectStore store = S3ObjectStore.open(LocalS3Fixture.config(server, BUCKET))) {
            StoreException put = StoreFailures.oneLine(store.put(KEY, ByteBuffer.allocate(4096)));
            assertTrue(put.retryable(), put.kind() + ": " + put.getMessage());
            if (fault == Fault.BAD_DIGEST) {
                // S3Proxy closes the connection after a BadDigest and sends its body without a length, which the
                // CRT reads as none: the 400 arrives without its code, as it may from S3 (see S3ErrorTranslator)
                assertEquals(Kind.DAMAGED_IN_TRANSIT, put.kind(), put.getMessage());
                assertEquals(
                        "PUT " + KEY + " at " + server.endpoint() + " was refused (HTTP 400 without an error "
                                + "code, taken as BadDigest): the body arrived damaged; sending it again",
                        put.getMessage());
                return;
            }
            assertEquals(Kind.STALE_CREDENTIALS, put.kind(), put.getMessage());
            String code = switch (fault) {
                case EXPIRED_TOKEN -> "ExpiredToken, HTTP 400";
                case TOKEN_REFRESH -> "TokenRefreshRequired, HTTP 400";
                default -> "RequestTimeTooSkewed"; // the CRT retries it itself, then reports it by name
            };
            assertEquals(
                    "PUT " + KEY + " at " + server.endpoint() + " was refused (" + code + ") with credentials "
                            + "from access key 'local': expired credentials or a clock off by minutes; retrying with the "
                            + "credentials fetched anew (keep them refreshed, and the clock set)",
                    put.getMessage());
            for (CompletableFuture<?> call : List.of(
                    store.get(KEY, 0, ByteBuffer.allocate(4096)),
                    store.list("disk/", null, null, 10),
                    store.delete(KEY))) {
                StoreException e = StoreFailures.oneLine(call);
                assertEquals(Kind.STALE_CREDENTIALS, e.kind(), e.getMessage());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Fault.class,
            names = {"EXPIRED_TOKEN", "TOKEN_REFRESH", "CLOCK_SKEW", "BAD_DIGEST"})
    void withinTheRetryTimeTheCallsSucceed(Fault fault) {
        byte[] data = new byte[64 << 10];
        new Random(8).nextBytes(data);
        try (LocalS3Server server = server(fault, 0.5);
                RetryObjectStore store = new RetryObjectStore(
                        S3ObjectStore.open(LocalS3Fixture.config(server, BUCKET), 64 << 10), QUICK)) {
            for (int i = 0; i < 8; i++) {
                store.put(KEY, ByteBuffer.wrap(data)).join();
                ByteBuffer back = ByteBuffer.allocate(data.length);
                assertEquals(ReadOutcome.FOUND, store.get(KEY, 0, back).join());
                assertArrayEquals(data, back.array());
            }
            assertTrue(
                    server.faultCounts().injected(fault) > 0,
                    server.faultCounts().toJson());
            assertTrue(store.retries(StoreCall.PUT) > 0, "PUTs were retried");
        }
    }

    /**
     * What the retries rely on: the CRT client asks the credentials provider again for every request it signs
     * (the SDK adapts the provider to the CRT as a delegate it calls per signing), so the attempt after a refusal
     * signs with whatever the provider gives then: an instance role's or a profile's refreshed keys.
     */
    @Test
    void everyRequestAsksTheCredentialsProviderAgain() {
        AtomicInteger asked = new AtomicInteger();
        AwsCredentialsProvider counting = () -> {
            asked.incrementAndGet();
            return AwsBasicCredentials.create(LocalS3Server.IDENTITY, LocalS3Server.CREDENTIAL);
        };
        try (LocalS3Server server = server(Fault.EXPIRED_TOKEN, 0.5);
                S3AsyncClient client = S3AsyncClient.crtBuilder()
                        .region(Region.US_EAST_1)
                        .credentialsProvider(counting)
                        .forcePathStyle(true)
                        .endpointOverride(server.endpoint())
                        .build()) {
            int refused = 0;
            for (int i = 0; i < 10; i++) {
                int before = asked.get();
                try {
                    client.putObject(r -> r.bucket(BUCKET).key(KEY), AsyncRequestBody.fromString("x"))
                            .join();
                } catch (CompletionException e) {
                    refused++;
                }
                assertTrue(asked.get() > before, "request " + i + " asked for credentials");
            }
            assertTrue(refused > 0 && refused < 10, refused + " of 10 refused");
            assertEquals(refused, server.faultCounts().injected(Fault.EXPIRED_TOKEN));
        }
    }
}
