package dev.ublks3.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ublks3.locals3.LocalS3Server;
import dev.ublks3.locals3.ServerOptions;
import dev.ublks3.locals3.ServerRequestCounts;
import dev.ublks3.locals3.ServerRequestCounts.Kind;
import dev.ublks3.storage.ObjectStore.ReadOutcome;
import dev.ublks3.storage.testing.LocalS3Fixture;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The requests our client sends, as the local server counts them: the counts benchmarks and VM tests compare. */
class S3RequestCountsTest {

    private static final int KIB_64 = 64 << 10;

    @Test
    void aKnownSequenceFromTheCrtClientIsCountedExactly() {
        try (LocalS3Server server = LocalS3Server.inMemory(0, new ServerOptions(true, Duration.ZERO, 0))) {
            server.createBucket("counted");
            try (S3ObjectStore store = S3ObjectStore.open(LocalS3Fixture.config(server, "counted"))) {
                assertEquals(0, server.requestCounts().requests(Kind.OTHER), "createBucket is not a client request");
                for (String key : List.of("d/a", "d/b", "d/c")) {
                    store.put(key, ByteBuffer.allocate(KIB_64)).join();
                }
                assertEquals(
                        ReadOutcome.FOUND,
                        store.get("d/a", 8192, ByteBuffer.allocate(4096)).join());
                assertEquals(
                        ReadOutcome.ABSENT,
                        store.get("d/missing", 0, ByteBuffer.allocate(4096)).join());
                assertEquals(
                        List.of("d/a", "d/b", "d/c"),
                        store.list("d/", null, null, 10).join().keys());
                store.delete("d/b").join();
                store.deleteObjects(List.of("d/c", "d/never")).join();
                store.get("d/a", 0, ByteBuffer.allocate(KIB_64)).join(); // read ...
                store.put("d/a", ByteBuffer.allocate(KIB_64)).join(); // ... modify, write

                assertEquals(
                        "{\"requests\":{\"GET\":3,\"PUT\":4,\"LIST\":1,\"DELETE\":1,\"DELETE_OBJECTS\":1,"
                                + "\"HEAD\":0,\"OTHER\":0},\"keysDeleted\":3,\"bytesIn\":262144,\"bytesOut\":69632,"
                                + "\"readModifyWrite\":1,\"getSizes\":{\"4096\":1,\"65536\":1},\"putSizes\":{\"65536\":4},"
                                + "\"getAlignment\":{\"object start\":1,\"4K\":1,\"512\":0,\"unaligned\":0}}",
                        server.requestCounts().toJson());

                server.resetRequestCounts();
                assertEquals(
                        new ServerRequestCounts(
                                java.util.Map.of(),
                                0,
                                0,
                                0,
                                0,
                                new java.util.TreeMap<>(),
                                new java.util.TreeMap<>(),
                                java.util.Map.of()),
                        server.requestCounts());
                store.put("d/a", ByteBuffer.allocate(1000)).join();
                ServerRequestCounts after = server.requestCounts();
                assertEquals(1, after.requests(Kind.PUT));
                assertEquals(0, after.readModifyWrite(), "reset forgets the GET a PUT would pair with");
                assertEquals(java.util.Map.of(1024L, 1L), after.putSizes());
            }
        }
    }
}
