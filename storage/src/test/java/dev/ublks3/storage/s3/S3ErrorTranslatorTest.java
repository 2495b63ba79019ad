package dev.ublks3.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.storage.StoreException;
import dev.ublks3.storage.StoreException.Kind;
import java.net.URI;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The answers S3Proxy cannot be made to give (5xx, throttling, timeouts), as the SDK reports them. The kinds for
 * 404/403/connection refused are checked against the real server in {@link S3ObjectStoreErrorsTest}.
 */
class S3ErrorTranslatorTest {

    private final S3ErrorTranslator translator =
            new S3ErrorTranslator(S3Config.compatible("bucket", URI.create("http://127.0.0.1:9000"), "key", "secret"));

    private static S3Exception service(int status, String code) {
        return (S3Exception) S3Exception.builder()
                .statusCode(status)
                .message("server says no")
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage("server says no")
                        .build())
                .build();
    }

    private Kind kindOf(Throwable error) {
        return translator
                .translate(new CompletionException(error), "GET", "disk/0")
                .kind();
    }

    @Test
    void serverErrorsAndThrottlingAreRetryable() {
        assertEquals(Kind.THROTTLED, kindOf(service(503, "SlowDown")));
        assertEquals(Kind.THROTTLED, kindOf(service(429, null)));
        assertEquals(Kind.SERVER_ERROR, kindOf(service(500, "InternalError")));
        assertEquals(Kind.SERVER_ERROR, kindOf(service(503, "ServiceUnavailable")));
        assertEquals(Kind.TIMEOUT, kindOf(service(400, "RequestTimeout")));
        assertTrue(
                translator.translate(service(500, "InternalError"), "PUT", "k").retryable());
    }

    /** The local server sends these too (S3TransientRefusalTest); here the forms it cannot send. */
    @Test
    void staleCredentialsAndDamagedBodiesAreRetryableButDeniedAccessIsNot() {
        assertEquals(Kind.STALE_CREDENTIALS, kindOf(service(403, "RequestTimeTooSkewed")));
        assertEquals(Kind.STALE_CREDENTIALS, kindOf(service(400, "ExpiredToken")));
        assertEquals(
                Kind.STALE_CREDENTIALS,
                kindOf(SdkClientException.create(
                        "x",
                        new software.amazon.awssdk.crt.CrtRuntimeException("AWS_ERROR_S3_REQUEST_TIME_TOO_SKEWED"))));
        assertEquals(
                Kind.DAMAGED_IN_TRANSIT,
                translator.translate(service(400, "BadDigest"), "PUT", "k").kind());
        assertEquals(
                Kind.DAMAGED_IN_TRANSIT,
                translator
                        .translate(service(400, "XAmzContentSHA256Mismatch"), "PUT", "k")
                        .kind());
        assertEquals(Kind.CLIENT_ERROR, kindOf(service(400, null)), "only a PUT's 400 without a code is BadDigest");
        assertEquals(Kind.ACCESS_DENIED, kindOf(service(403, "AccessDenied")));
        assertEquals(Kind.ACCESS_DENIED, kindOf(service(403, "InvalidAccessKeyId")));
        assertTrue(kindOf(service(403, "RequestTimeTooSkewed")).retryable());
        assertTrue(Kind.DAMAGED_IN_TRANSIT.retryable());
    }

    @Test
    void clientSideFailuresAreClassifiedByTheirCrtErrorName() {
        assertEquals(
                Kind.TIMEOUT, kindOf(SdkClientException.create("Failed to send the request: AWS_IO_SOCKET_TIMEOUT")));
        assertEquals(
                Kind.CONNECTION,
                kindOf(SdkClientException.create(
                        "Failed to send the request: " + "AWS_IO_SOCKET_CLOSED: socket is closed.")));
        assertEquals(
                Kind.CONNECTION,
                kindOf(SdkClientException.create(
                        "x", new software.amazon.awssdk.crt.CrtRuntimeException("AWS_IO_SOCKET_CONNECTION_REFUSED"))));
        assertEquals(Kind.CORRUPT, kindOf(SdkClientException.create("Response checksum mismatch")));
    }

    @Test
    void otherClientErrorsAreNotRetryableAndKeepOneLine() {
        StoreException e = translator.translate(service(400, "InvalidArgument"), "PUT", "k");
        assertEquals(Kind.CLIENT_ERROR, e.kind());
        assertTrue(!e.getMessage().contains("\n"));
        StoreException multiLine = translator.translate(SdkClientException.create("first\nsecond"), "PUT", "k");
        assertTrue(!multiLine.getMessage().contains("\n"), multiLine.getMessage());
    }

    @Test
    void ourOwnFailureInsideTheSdksWrapperComesBackAsItIs() {
        StoreException corrupt = new StoreException(Kind.CORRUPT, "GET", "k", "short body");
        assertSame(corrupt, translator.translate(SdkClientException.create("wrapped", corrupt), "GET", "k"));
    }
}
