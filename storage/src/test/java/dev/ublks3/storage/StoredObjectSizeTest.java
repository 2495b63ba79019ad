package dev.ublks3.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ublks3.locals3.LocalS3Server;
import dev.ublks3.locals3.ServerOptions;
import dev.ublks3.locals3.ServerRequestCounts;
import dev.ublks3.storage.s3.S3ObjectStore;
import dev.ublks3.storage.testing.LocalS3Fixture;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The check a device makes before it is served: one LIST, and the size of the first block object it finds
 * compared with the device's object size, through a real S3 server that counts what it receives.
 */
class StoredObjectSizeTest {

    private static final int DEVICE = 64 << 10;
    private static LocalS3Server server;

    @BeforeAll
    static void start() {
        server = LocalS3Server.inMemory(0, new ServerOptions(true, Duration.ZERO, 0));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Runs the check on a new bucket holding {@code objects} (key: size); returns the requests it made. */
    private static Map<ServerRequestCounts.Kind, Long> check(String bucket, Map<String, Integer> objects) {
        server.createBucket(bucket);
        try (S3ObjectStore store = S3ObjectStore.open(LocalS3Fixture.config(server, bucket))) {
            objects.forEach(
                    (key, size) -> store.put(key, ByteBuffer.allocate(size)).join());
            server.resetRequestCounts();
            StoredObjectSize.check(store, bucket, "disk", DEVICE).join();
            return server.requestCounts().requests();
        }
    }

    private static long total(Map<ServerRequestCounts.Kind, Long> requests) {
        return requests.values().stream().mapToLong(Long::longValue).sum();
    }

    private static StoreException refused(String bucket, Map<String, Integer> objects) {
        CompletionException e = assertThrows(CompletionException.class, () -> check(bucket, objects));
        StoreException refused = assertInstanceOf(StoreException.class, e.getCause());
        assertEquals(StoreException.Kind.CORRUPT, refused.kind());
        assertEquals(1, server.requestCounts().requests(ServerRequestCounts.Kind.LIST));
        assertEquals(
                1,
                total(server.requestCounts().requests()),
                "one request: " + server.requestCounts().toJson());
        return refused;
    }

    @Test
    void aNewDeviceOrOneOfItsOwnSizePassesWithOneList() {
        Map<ServerRequestCounts.Kind, Long> empty = check("empty", Map.of("other/0000000000000000", 4096));
        assertEquals(1, empty.get(ServerRequestCounts.Kind.LIST));
        assertEquals(1, total(empty), "one request");
        Map<ServerRequestCounts.Kind, Long> same = check(
                "same",
                Map.of(
                        "disk/0000000000000005",
                        DEVICE,
                        "disk/0000000000000007",
                        4096)); // only the first block object is looked at
        assertEquals(1, total(same), "one request");
    }

    @Test
    void anObjectOfAnotherSizeRefusesTheDeviceNamingBothSizes() {
        StoreException e = refused("larger", Map.of("disk/0000000000000000", 128 << 10));
        assertEquals(
                "object larger/disk/0000000000000000 has 131072 bytes, not the object size 65536: it was "
                        + "written with object-size 128K; use --object-size 128K to add this device",
                e.getMessage());
    }

    @Test
    void keysThatAreNotBlocksAreSkipped() {
        // all sort before the block key: '-' and '.' before digits, 15 or 17 digits, upper case
        StoreException e = refused(
                "not-blocks",
                Map.of(
                        "disk/-x",
                        100,
                        "disk/.meta",
                        DEVICE * 2,
                        "disk/000000000000000",
                        10,
                        "disk/00000000000000000",
                        10,
                        "disk/000000000000000A",
                        10,
                        "disk/000000000000000a",
                        4096,
                        "disk/000000000000000b",
                        DEVICE));
        assertEquals(
                "object not-blocks/disk/000000000000000a has 4096 bytes, not the object size 65536: it was "
                        + "written with object-size 4K; use --object-size 4K to add this device",
                e.getMessage());
    }
}
