package dev.ublks3.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.locals3.FaultCounts;
import dev.ublks3.locals3.FaultPlan;
import dev.ublks3.locals3.FaultPlan.Fault;
import dev.ublks3.locals3.LocalS3Server;
import dev.ublks3.locals3.ServerOptions;
import dev.ublks3.storage.ObjectStore.ReadOutcome;
import dev.ublks3.storage.StorageStack;
import dev.ublks3.storage.StoreException;
import dev.ublks3.storage.layer.RetryPolicy;
import dev.ublks3.storage.layer.StoreCall;
import dev.ublks3.storage.testing.LocalS3Fixture;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The local server's faults against our client: what each fault looks like to it, and that retries hide them. */
class S3InjectedFaultsTest {

    private static final String BUCKET = "faults";
    private static final String KEY = "disk/0000000000000000";
    private static final int OBJECT = 64 << 10;

    private static LocalS3Server server(FaultPlan plan) {
        LocalS3Server server = LocalS3Server.inMemory(0, new ServerOptions(false, Duration.ZERO, 0, plan));
        server.createBucket(BUCKET);
        return server;
    }

    /** Short timeouts (a silent connection 2 s, an attempt 4 s), so stalls cost seconds. */
    private static S3Config client(LocalS3Server server) {
        return LocalS3Fixture.config(server, BUCKET).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(4));
    }

    private static StoreException failure(CompletableFuture<?> call) {
        CompletionException e = assertThrows(CompletionException.class, call::join);
        return assertInstanceOf(StoreException.class, e.getCause());
    }

    private static FaultPlan only(Fault fault) {
        return new FaultPlan(Map.of(fault, 1.0), 1, Duration.ofSeconds(8));
    }

    @Test
    void eachErrorReachesTheClientAsS3SendsIt() {
        record Case(Fault fault, StoreException.Kind kind, int status) {}
        for (Case c : List.of(
                new Case(Fault.INTERNAL_ERROR, StoreException.Kind.SERVER_ERROR, 500),
                new Case(Fault.SLOW_DOWN, StoreException.Kind.THROTTLED, 503),
                new Case(Fault.SERVICE_UNAVAILABLE, StoreException.Kind.THROTTLED, 503))) {
            try (LocalS3Server server = server(only(c.fault()));
                    S3ObjectStore store = S3ObjectStore.open(client(server))) {
                StoreException e = failure(store.put(KEY, ByteBuffer.allocate(4096)));
                // the CRT retries once itself, then reports 500 as an internal error and any 503 as throttling
                assertEquals(c.kind(), e.kind(), c + ": " + e.getMessage());
                assertEquals(c.status(), e.httpStatus(), c + ": " + e.getMessage());
                assertTrue(e.retryable(), e.getMessage());
                assertEquals(2, server.faultCounts().injected(c.fault()), "one retry inside the CRT");
                assertEquals(2, server.faultCounts().total());
            }
        }
    }

    @Test
    void aTruncatedBodyIsACutTransferNotShortData() {
        try (LocalS3Server server = server(new FaultPlan(Map.of(Fault.TRUNCATE, 1.0), 1, Duration.ofSeconds(20)))) {
            try (S3ObjectStore store = S3ObjectStore.open(client(server))) {
                store.put(KEY, ByteBuffer.wrap(pattern(OBJECT, 1))).join(); // a PUT is never truncated
                ByteBuffer into = ByteBuffer.allocate(OBJECT);
                StoreException e = failure(store.get(KEY, 0, into));
                assertEquals(StoreException.Kind.CONNECTION, e.kind(), e.getMessage());
                assertTrue(e.retryable());
                assertEquals(0, into.position(), "nothing is reported read");
                assertEquals(2, server.faultCounts().injected(Fault.TRUNCATE), "one retry inside the CRT");
            }
        }
    }

    @Test
    void aResetConnectionFailsRetryably() {
        try (LocalS3Server server = server(only(Fault.RESET));
                S3ObjectStore store = S3ObjectStore.open(client(server))) {
            StoreException e = failure(store.put(KEY, ByteBuffer.allocate(4096)));
            assertEquals(StoreException.Kind.CONNECTION, e.kind(), e.getMessage());
            assertTrue(e.retryable());
            assertEquals(2, server.faultCounts().injected(Fault.RESET), "one retry inside the CRT");
        }
    }

    @Test
    void aStalledResponseTimesOutInsteadOfHanging() {
        try (LocalS3Server server = server(only(Fault.STALL));
                S3ObjectStore store = S3ObjectStore.open(client(server))) {
            StoreException e = assertTimeoutPreemptively(
                    Duration.ofSeconds(15), () -> failure(store.get(KEY, 0, ByteBuffer.allocate(4096))));
            assertTrue(e.retryable(), e.getMessage());
            assertTrue(
                    e.kind() == StoreException.Kind.TIMEOUT || e.kind() == StoreException.Kind.CONNECTION,
                    e.kind() + ": " + e.getMessage());
            assertTrue(
                    server.faultCounts().injected(Fault.STALL) >= 1,
                    server.faultCounts().toJson());
        }
    }

    @Test
    void theHardDeadlineEndsAnAttemptTheStallMonitorLetsThrough() {
        // the stall monitor's window (20 s) is longer than the whole attempt may take (2 s)
        try (LocalS3Server server = server(only(Fault.STALL));
                S3ObjectStore store = S3ObjectStore.open(LocalS3Fixture.config(server, BUCKET)
                        .withTimeouts(Duration.ofSeconds(20), Duration.ofSeconds(2)))) {
            ByteBuffer into = ByteBuffer.allocate(4096);
            StoreException e =
                    assertTimeoutPreemptively(Duration.ofSeconds(15), () -> failure(store.get(KEY, 0, into)));
            assertEquals(StoreException.Kind.TIMEOUT, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("timed out"), e.getMessage());
            assertEquals(0, into.position());
        }
    }

    @Test
    void underTwentyPercentFaultsEveryWriteReadsBackExactly() {
        FaultPlan plan = FaultPlan.parse(
                "500=0.05,slowdown=0.04,503=0.03,truncate=0.04,reset=0.03,stall=0.01", 42, Duration.ofSeconds(10));
        long size = 64L * OBJECT;
        try (LocalS3Server server = server(plan);
                StorageStack stack = StorageStack.open(
                        S3ObjectStore.open(client(server)), new StorageStack.Options("disk", size, OBJECT))) {
            Random random = new Random(7);
            byte[] expected = new byte[(int) size];
            assertTimeoutPreemptively(Duration.ofSeconds(240), () -> {
                for (int round = 0; round < 3; round++) {
                    List<CompletableFuture<Void>> writes = new ArrayList<>();
                    for (int i = 0; i < 48; i++) {
                        // whole objects and 4 KiB pieces (read-modify-write), several at once, none overlapping
                        int object = (i * 4 + round) % 64;
                        boolean whole = random.nextBoolean();
                        int length = whole ? OBJECT : 4096;
                        int offset = object * OBJECT + (whole ? 0 : 4096 * random.nextInt(OBJECT / 4096));
                        byte[] data = pattern(length, random.nextInt());
                        System.arraycopy(data, 0, expected, offset, length);
                        writes.add(stack.device().write(offset, ByteBuffer.wrap(data), false));
                        if (writes.size() == 16) {
                            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                                    .join();
                            writes.clear();
                        }
                    }
                    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                            .join();
                    ByteBuffer back = ByteBuffer.allocate((int) size);
                    for (int o = 0; o < 64; o += 16) {
                        stack.device()
                                .read((long) o * OBJECT, back.slice(o * OBJECT, 16 * OBJECT))
                                .join();
                    }
                    assertArrayEquals(expected, back.array(), "round " + round + ": what was written reads back");
                }
            });
            FaultCounts faults = server.faultCounts();
            long retries = 0;
            for (StoreCall call : StoreCall.values()) {
                retries += stack.stats().store(call).retries();
            }
            System.out.println("faults " + faults.toJson() + ", retries " + retries);
            assertTrue(faults.total() > 20, faults.toJson());
            assertTrue(faults.injected(Fault.TRUNCATE) > 0 && faults.injected(Fault.RESET) > 0, faults.toJson());
            // a fault hides behind the CRT's own retry unless that fails too: then the retry layer retries
            assertTrue(retries > 0, "faults reached the retry layer: " + retries + " retries for " + faults.toJson());
        }
    }

    @Test
    void aDownStoreFailsEachRequestWithinTheBudgetAndWorksWhenBackUp() {
        Duration budget = Duration.ofSeconds(3);
        try (LocalS3Server server = server(FaultPlan.NONE);
                StorageStack stack = StorageStack.open(
                        S3ObjectStore.open(client(server)),
                        new StorageStack.Options("disk", 4L * OBJECT, OBJECT).withRetry(RetryPolicy.forTime(budget)))) {
            byte[] data = pattern(OBJECT, 3);
            stack.device().write(0, ByteBuffer.wrap(data), false).join();
            server.down(true);
            for (CompletableFuture<Void> call : List.<java.util.function.Supplier<CompletableFuture<Void>>>of(
                            () -> stack.device().read(0, ByteBuffer.allocate(4096)),
                            () -> stack.device().write(OBJECT, ByteBuffer.wrap(data), false),
                            () -> stack.device().write(2L * OBJECT, ByteBuffer.allocate(4096), false))
                    .stream()
                    .map(java.util.function.Supplier::get)
                    .toList()) {
                StoreException e = assertTimeoutPreemptively(budget.multipliedBy(3), () -> failure(call));
                assertTrue(e.getMessage().contains("gave up"), e.getMessage());
            }
            assertTrue(
                    server.faultCounts().whileDown() > 3, server.faultCounts().toJson());
            assertTrue(server.faultCounts().down());
            server.down(false);
            ByteBuffer back = ByteBuffer.allocate(OBJECT);
            stack.device().read(0, back).join();
            assertArrayEquals(data, back.array());
            stack.device().write(OBJECT, ByteBuffer.wrap(data), false).join();
        }
    }

    @Test
    void aDownServerWithResetsRefusesConnections() {
        try (LocalS3Server server = server(new FaultPlan(Map.of(Fault.RESET, 0.001), 1, Duration.ofSeconds(20)));
                S3ObjectStore store = S3ObjectStore.open(client(server))) {
            store.put(KEY, ByteBuffer.allocate(4096)).join();
            server.down(true);
            StoreException e = failure(store.get(KEY, 0, ByteBuffer.allocate(4096)));
            assertEquals(StoreException.Kind.CONNECTION, e.kind(), e.getMessage());
            server.down(false);
            assertEquals(
                    ReadOutcome.FOUND,
                    store.get(KEY, 0, ByteBuffer.allocate(4096)).join());
        }
    }

    private static byte[] pattern(int length, int seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }
}
