package dev.ublks3.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.locals3.LocalS3Server;
import dev.ublks3.locals3.ServerOptions;
import dev.ublks3.storage.ObjectStore.ReadOutcome;
import dev.ublks3.storage.testing.LocalS3Fixture;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * PUTs conditional on what the store saw last, against the local server (which checks the conditions as S3 does):
 * a write made behind the store's back is found, not overwritten blindly; a PUT conditional on an older version,
 * as a dead server's late one is, cannot replace a newer write.
 */
class S3ConditionalWritesTest {

    private static final String BUCKET = "cond";
    private static final String KEY = "disk/0000000000000000";

    private static LocalS3Server server(ServerOptions options) {
        LocalS3Server server = LocalS3Server.inMemory(0, options);
        server.createBucket(BUCKET);
        return server;
    }

    /** Another writer: a plain client, as a second server or a dead server's late request would be. */
    private static S3AsyncClient other(LocalS3Server server) {
        return LocalS3Fixture.plainClient(server).build();
    }

    private static String putBehindItsBack(S3AsyncClient other, String key, String data, String ifMatch) {
        return other.putObject(r -> r.bucket(BUCKET).key(key).ifMatch(ifMatch), AsyncRequestBody.fromString(data))
                .join()
                .eTag();
    }

    private static String stored(S3AsyncClient other, String key) {
        return new String(
                other.getObject(r -> r.bucket(BUCKET).key(key), AsyncResponseTransformer.toBytes())
                        .join()
                        .asByteArray(),
                StandardCharsets.UTF_8);
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aWriteBehindTheStoresBackIsFoundAndThenReplacedByTheStoresNewerWrite() {
        try (LocalS3Server server = server(ServerOptions.NONE);
                S3ObjectStore store = S3ObjectStore.open(LocalS3Fixture.config(server, BUCKET));
                S3AsyncClient other = other(server)) {
            store.put(KEY, bytes("v1")).join(); // now known: If-Match its ETag
            putBehindItsBack(other, KEY, "other", null);
            store.put(KEY, bytes("v2")).join();
            assertEquals(1, store.conflicts(), "the PUT was conditional and its condition failed");
            assertEquals("v2", stored(other, KEY));

            store.delete(KEY).join(); // now known absent: If-None-Match: *
            putBehindItsBack(other, KEY, "other", null);
            store.put(KEY, bytes("v3")).join();
            assertEquals(2, store.conflicts());
            assertEquals("v3", stored(other, KEY));

            String second = "disk/0000000000000001";
            assertEquals(
                    ReadOutcome.ABSENT,
                    store.get(second, 0, ByteBuffer.allocate(2)).join()); // seen absent
            putBehindItsBack(other, second, "other", null);
            store.put(second, bytes("v1")).join();
            assertEquals(3, store.conflicts());

            ByteBuffer read = ByteBuffer.allocate(2);
            store.get(second, 0, read).join(); // seen: its ETag
            store.put(second, bytes("v2")).join();
            assertEquals(3, store.conflicts(), "nothing changed behind its back this time");
        }
    }

    @Test
    void aPutConditionalOnAnOlderVersionCannotReplaceANewerWrite() {
        try (LocalS3Server server = server(ServerOptions.NONE);
                S3ObjectStore dead = S3ObjectStore.open(LocalS3Fixture.config(server, BUCKET));
                S3ObjectStore taker = S3ObjectStore.open(LocalS3Fixture.config(server, BUCKET));
                S3AsyncClient late = other(server)) {
            dead.put(KEY, bytes("old")).join();
            String seenByDead = putBehindItsBack(late, KEY, "old", null); // the same bytes: the same ETag
            // the server that takes the device over reads the object, then writes it
            taker.get(KEY, 0, ByteBuffer.allocate(3)).join();
            taker.put(KEY, bytes("new")).join();
            assertEquals(0, taker.conflicts());
            // the dead server's PUT, sent before it died, arrives now with the condition it was sent with
            CompletionException e =
                    assertThrows(CompletionException.class, () -> putBehindItsBack(late, KEY, "stale", seenByDead));
            assertEquals(412, assertInstanceOf(S3Exception.class, e.getCause()).statusCode());
            assertEquals("new", stored(late, KEY));
        }
    }

    @Test
    void anEndpointThatHonoursConditionsIsFoundSoWithNoProbeLeft() {
        try (LocalS3Server server = server(ServerOptions.NONE);
                S3ObjectStore store = S3ObjectStore.open(LocalS3Fixture.config(server, BUCKET))) {
            assertTrue(store.checkConditionalWrites("disk/probe").join());
            assertEquals(List.of(), store.list("disk/", null, null, 10).join().keys(), "the probe is gone");
        }
    }

    @Test
    void withConditionsOffAPutWritesWhateverIsThere() {
        try (LocalS3Server server = server(ServerOptions.NONE);
                S3ObjectStore store = S3ObjectStore.open(LocalS3Fixture.config(server, BUCKET));
                S3AsyncClient other = other(server)) {
            store.conditionalWrites(false);
            store.put(KEY, bytes("v1")).join();
            putBehindItsBack(other, KEY, "other", null);
            store.put(KEY, bytes("v2")).join();
            assertEquals(0, store.conflicts(), "nothing was found: the PUT carried no condition");
            assertEquals("v2", stored(other, KEY));
        }
    }

    @Test
    void aReadThatRanBesideAWriteNeverLeavesTheOlderVersion() {
        ObjectVersions versions = new ObjectVersions(4);
        long readStarted = versions.stamp();
        versions.writeStarts(KEY);
        versions.written(KEY, ObjectVersions.version("\"new\""));
        versions.read(KEY, ObjectVersions.version("\"old\""), readStarted); // the read's answer came last
        assertEquals(ObjectVersions.version("\"new\""), versions.get(KEY));
        versions.read(KEY, ObjectVersions.version("\"newer\""), versions.stamp()); // a read after the write
        assertEquals(ObjectVersions.version("\"newer\""), versions.get(KEY));
        for (int i = 0; i < 10; i++) {
            versions.written("k" + i, ObjectVersions.ABSENT);
        }
        assertEquals(4, versions.size(), "bounded, least recently used out");
        assertEquals(null, versions.get(KEY));
    }
}
