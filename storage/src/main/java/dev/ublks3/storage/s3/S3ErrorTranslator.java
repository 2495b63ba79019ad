package dev.ublks3.storage.s3;

import dev.ublks3.storage.Futures;
import dev.ublks3.storage.StoreException;
import dev.ublks3.storage.StoreException.Kind;
import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.crt.CrtRuntimeException;

/** Turns whatever the SDK or the CRT threw into a {@link StoreException} with a one-line message naming the fix. */
final class S3ErrorTranslator {

    private static final Set<String> CREDENTIAL_CODES =
            Set.of("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "AllAccessDisabled");
    /** Refusals that fresh credentials or a corrected clock end: the next attempt signs anew. */
    private static final Set<String> STALE_CODES =
            Set.of("ExpiredToken", "TokenRefreshRequired", "RequestTimeTooSkewed");
    /** The body the server got is not the one sent (its checksum, or the payload hash signed). */
    private static final Set<String> DAMAGED_CODES = Set.of("BadDigest", "XAmzContentSHA256Mismatch");

    private final S3Config config;

    S3ErrorTranslator(S3Config config) {
        this.config = config;
    }

    StoreException translate(Throwable error, String operation, String key) {
        Throwable e = unwrap(error);
        // our own failures (e.g. a short body seen by the transformer) come back wrapped by the SDK
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StoreException store) {
                return store;
            }
        }
        if (e instanceof AwsServiceException service) {
            return fromService(service, operation, key);
        }
        return fromClient(e, operation, key);
    }

    static Throwable unwrap(Throwable error) {
        return Futures.unwrap(error);
    }

    /** The S3 error code of a service error, or null (e.g. a bare 404 from a HEAD). */
    static String errorCode(AwsServiceException e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    StoreException noSuchBucket(String operation, String key, int status, Throwable cause) {
        return new StoreException(
                Kind.NO_SUCH_BUCKET,
                operation,
                key,
                status,
                "bucket '" + config.bucket() + "' does not exist at " + config.describeEndpoint()
                        + ": create it or fix --bucket",
                cause);
    }

    private StoreException fromService(AwsServiceException e, String operation, String key) {
        int status = e.statusCode();
        String code = errorCode(e);
        String what = operation + (key == null ? "" : " " + key) + " at " + config.describeEndpoint();
        String detail = (code == null ? "" : code + ", ") + "HTTP " + status;
        if ("NoSuchBucket".equals(code)) {
            return noSuchBucket(operation, key, status, e);
        }
        if (code != null && STALE_CODES.contains(code)) {
            return stale(operation, key, status, detail, e);
        }
        if ((code != null && DAMAGED_CODES.contains(code))
                || (code == null && status == 400 && "PUT".equals(operation))) {
            // S3 closes the connection after refusing a PUT's body, and the CRT may then not read the error's body
            // (S3Proxy sends it without a length, which the CRT reads as none): a 400 to a PUT without a code is
            // taken as the BadDigest it most likely is. Retrying a PUT is safe; a permanent refusal still fails
            // once the retry time is up.
            return new StoreException(
                    Kind.DAMAGED_IN_TRANSIT,
                    operation,
                    key,
                    status,
                    what + " was refused ("
                            + (code == null ? "HTTP 400 without an error code, taken as BadDigest" : detail)
                            + "): the body arrived damaged; sending it again",
                    e);
        }
        if (status == 401 || status == 403 || (code != null && CREDENTIAL_CODES.contains(code))) {
            return new StoreException(
                    Kind.ACCESS_DENIED,
                    operation,
                    key,
                    status,
                    what + " was refused (" + detail + ") with credentials from "
                            + config.credentials().describe()
                            + ": check the access key, the secret and the bucket policy",
                    e);
        }
        if ("SlowDown".equals(code) || "RequestLimitExceeded".equals(code) || status == 429) {
            return new StoreException(
                    Kind.THROTTLED, operation, key, status, what + " was throttled (" + detail + ")", e);
        }
        if (status >= 500) {
            return new StoreException(
                    Kind.SERVER_ERROR,
                    operation,
                    key,
                    status,
                    what + " failed on the server (" + detail + "): " + oneLine(e.getMessage()),
                    e);
        }
        if ("InvalidRange".equals(code) || status == 416) {
            return new StoreException(
                    Kind.CORRUPT,
                    operation,
                    key,
                    status,
                    operation + " " + config.bucket() + "/"
                            + key + " at " + config.describeEndpoint() + " asked for bytes past the end of the object ("
                            + detail + "): the object is shorter than it should be",
                    e);
        }
        if (status == 408 || "RequestTimeout".equals(code)) {
            return new StoreException(Kind.TIMEOUT, operation, key, status, what + " timed out (" + detail + ")", e);
        }
        return new StoreException(
                Kind.CLIENT_ERROR,
                operation,
                key,
                status,
                what + " failed (" + detail + "): " + oneLine(e.getMessage()),
                e);
    }

    private StoreException stale(String operation, String key, int status, String detail, Throwable e) {
        return new StoreException(
                Kind.STALE_CREDENTIALS,
                operation,
                key,
                status,
                operation
                        + (key == null ? "" : " " + key) + " at " + config.describeEndpoint() + " was refused ("
                        + detail
                        + ") with credentials from " + config.credentials().describe()
                        + ": expired credentials or a clock "
                        + "off by minutes; retrying with the credentials fetched anew (keep them refreshed, and the clock set)",
                e);
    }

    private StoreException fromClient(Throwable e, String operation, String key) {
        String names = causeNames(e).toUpperCase(Locale.ROOT);
        String where = config.describeEndpoint();
        String what = operation + (key == null ? "" : " " + key);
        if (names.contains("CONNECTION_REFUSED")) {
            return new StoreException(
                    Kind.CONNECTION,
                    operation,
                    key,
                    0,
                    "cannot connect to " + where
                            + " (connection refused): is the server running, is --endpoint-url right?",
                    e);
        }
        if (names.contains("DNS") || names.contains("HOST_NOT_FOUND") || names.contains("UNKNOWNHOSTEXCEPTION")) {
            return new StoreException(
                    Kind.CONNECTION,
                    operation,
                    key,
                    0,
                    "cannot resolve the host of " + where + ": check --endpoint-url or --region",
                    e);
        }
        // the CRT retries a 5xx itself and, when it gives up, the SDK reports its error name (AWS_ERROR_S3_
        // INTERNAL_ERROR, AWS_ERROR_S3_SLOW_DOWN) as a client exception without the status: still a server error
        if (names.contains("INDICATES_INTERNAL_SERVER_ERROR") || names.contains("AWS_ERROR_S3_INTERNAL_ERROR")) {
            return new StoreException(
                    Kind.SERVER_ERROR,
                    operation,
                    key,
                    500,
                    what + " at " + where + " failed on the server (HTTP 5xx): " + oneLine(e.getMessage()),
                    e);
        }
        if (names.contains("INDICATES_THROTTLING") || names.contains("AWS_ERROR_S3_SLOW_DOWN")) {
            return new StoreException(
                    Kind.THROTTLED,
                    operation,
                    key,
                    503,
                    what + " at " + where + " was throttled (HTTP 503): " + oneLine(e.getMessage()),
                    e);
        }
        if (names.contains("TIMEOUT") || names.contains("TIMED_OUT")) {
            return new StoreException(
                    Kind.TIMEOUT,
                    operation,
                    key,
                    0,
                    what + " at " + where + " timed out: " + oneLine(e.getMessage()),
                    e);
        }
        if (names.contains("CHECKSUM")) {
            return new StoreException(
                    Kind.CORRUPT,
                    operation,
                    key,
                    0,
                    "object " + config.bucket() + "/" + key + " at " + where + " failed its checksum check: "
                            + oneLine(e.getMessage()),
                    e);
        }
        // the CRT retries a RequestTimeTooSkewed itself and then reports it by name, without the status
        if (names.contains("REQUESTTIMETOOSKEWED") || names.contains("REQUEST_TIME_TOO_SKEWED")) {
            return stale(operation, key, 403, "RequestTimeTooSkewed", e);
        }
        if (names.contains("CREDENTIAL")) {
            return new StoreException(
                    Kind.ACCESS_DENIED,
                    operation,
                    key,
                    0,
                    "no usable credentials from " + config.credentials().describe() + ": " + oneLine(e.getMessage()),
                    e);
        }
        if (names.contains("SOCKET")
                || names.contains("CONNECTION")
                || names.contains("RESET")
                || names.contains("BROKEN_PIPE")
                || names.contains("CLOSED")
                || names.contains("IOEXCEPTION")) {
            return new StoreException(
                    Kind.CONNECTION,
                    operation,
                    key,
                    0,
                    what + " at " + where + " lost its connection: " + oneLine(e.getMessage()),
                    e);
        }
        return new StoreException(
                Kind.CLIENT_ERROR,
                operation,
                key,
                0,
                what + " at " + where + " failed: " + oneLine(String.valueOf(e)),
                e);
    }

    /** Class names, CRT error names and messages along the cause chain, for matching. */
    private static String causeNames(Throwable e) {
        StringBuilder names = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            names.append(t.getClass().getSimpleName()).append(' ');
            if (t instanceof CrtRuntimeException crt && crt.errorName != null) {
                names.append(crt.errorName).append(' ');
            }
            names.append(t.getMessage()).append(' ');
        }
        // "Connection refused" (JDK) and AWS_IO_SOCKET_CONNECTION_REFUSED (CRT) match the same way
        return names.toString().replace(' ', '_');
    }

    static String oneLine(String message) {
        if (message == null) {
            return "no message";
        }
        return message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
