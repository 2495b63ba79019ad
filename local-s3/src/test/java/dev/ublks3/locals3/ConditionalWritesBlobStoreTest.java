package dev.ublks3.locals3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The local server checks S3's conditional writes, as AWS S3 does, through a plain client over HTTP. */
class ConditionalWritesBlobStoreTest {

    private static final String BUCKET = "cond";

    private LocalS3Server server;
    private S3AsyncClient client;

    @BeforeEach
    void start() {
        server = LocalS3Server.inMemory();
        server.createBucket(BUCKET);
        client = PlainS3Client.of(server);
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private String put(String key, String data, String ifMatch, String ifNoneMatch) {
        return client.putObject(
                        r -> r.bucket(BUCKET).key(key).ifMatch(ifMatch).ifNoneMatch(ifNoneMatch),
                        AsyncRequestBody.fromString(data))
                .join()
                .eTag();
    }

    private String get(String key) {
        return new String(
                client.getObject(r -> r.bucket(BUCKET).key(key), AsyncResponseTransformer.toBytes())
                        .join()
                        .asByteArray(),
                StandardCharsets.UTF_8);
    }

    private static void preconditionFailed(Runnable call) {
        failsWith(412, call);
    }

    private static void failsWith(int status, Runnable call) {
        CompletionException e = assertThrows(CompletionException.class, call::run);
        S3Exception s3 = assertInstanceOf(S3Exception.class, e.getCause());
        assertEquals(status, s3.statusCode(), s3.getMessage());
    }

    @Test
    void ifNoneMatchCreatesOnlyWhatIsAbsent() {
        put("k", "one", null, "*");
        preconditionFailed(() -> put("k", "two", null, "*"));
        assertEquals("one", get("k"));
    }

    @Test
    void ifMatchReplacesOnlyTheVersionNamed() {
        String first = put("k", "one", null, null);
        String second = put("k", "two", first, null);
        preconditionFailed(() -> put("k", "three", first, null));
        assertEquals("two", get("k"));
        put("k", "three", second, null);
        assertEquals("three", get("k"));
        failsWith(404, () -> put("absent", "x", second, null)); // as AWS S3: NoSuchKey
    }

    @Test
    void conditionalDeletesOfOneKeyAndOfABatch() {
        String a = put("a", "a", null, null);
        String b = put("b", "b", null, null);
        preconditionFailed(() ->
                client.deleteObject(r -> r.bucket(BUCKET).key("a").ifMatch(b)).join());
        client.deleteObject(r -> r.bucket(BUCKET).key("a").ifMatch(a)).join();
        put("a", "a2", null, null);
        DeleteObjectsResponse batch = client.deleteObjects(r -> r.bucket(BUCKET)
                        .delete(d -> d.objects(
                                ObjectIdentifier.builder().key("a").eTag(a).build(),
                                ObjectIdentifier.builder().key("b").eTag(b).build())))
                .join();
        assertEquals(List.of("b"), batch.deleted().stream().map(d -> d.key()).toList());
        assertEquals(List.of("a"), batch.errors().stream().map(e -> e.key()).toList());
        assertEquals("PreconditionFailed", batch.errors().getFirst().code());
        assertArrayEquals("a2".getBytes(StandardCharsets.UTF_8), get("a").getBytes(StandardCharsets.UTF_8));
    }
}
