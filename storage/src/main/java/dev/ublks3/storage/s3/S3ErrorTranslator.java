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
        Failed failed = new Failed(operation, key, e);
        if (e instanceof AwsServiceException service) {
            return fromService(service, failed);
        }
        return fromClient(failed);
    }

    static Throwable unwrap(Throwable error) {
        return Futures.unwrap(error);
    }

    /** The S3 error code of a service error, or null (e.g. a bare 404 from a HEAD). */
    static String errorCode(AwsServiceException e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    /** The call being translated: its operation, its key (or null) and what it threw. */
    private record Failed(String operation, String key, Throwable error) {
        /** "GET key", or the operation alone, for messages. */
        String what() {
            return operation + (key == null ? "" : " " + key);
        }

        StoreException as(Kind kind, int status, String message) {
            return new StoreException(kind, operation, key, status, message, error);
        }
    }

    StoreException noSuchBucket(String operation, String key, int status, Throwable cause) {
        return noSuchBucket(new Failed(operation, key, cause), status);
    }

    private StoreException noSuchBucket(Failed failed, int status) {
        return failed.as(
                Kind.NO_SUCH_BUCKET,
                status,
                "bucket '" + config.bucket() + "' does not exist at " + config.describeEndpoint()
                        + ": create it or fix --bucket");
    }

    private StoreException fromService(AwsServiceException e, Failed failed) {
        int status = e.statusCode();
        String code = errorCode(e);
        String what = failed.what() + " at " + config.describeEndpoint();
        String detail = (code == null ? "" : code + ", ") + "HTTP " + status;
        if ("NoSuchBucket".equals(code)) {
            return noSuchBucket(failed, status);
        }
        if (code != null && STALE_CODES.contains(code)) {
            return stale(failed, status, detail);
        }
        if ((code != null && DAMAGED_CODES.contains(code))
                || (code == null && status == 400 && "PUT".equals(failed.operation()))) {
            // S3 closes the connection after refusing a PUT's body, and the CRT may then not read the error's body
            // (S3Proxy sends it without a length, which the CRT reads as none): a 400 to a PUT without a code is
            // taken as the BadDigest it most likely is. Retrying a PUT is safe; a permanent refusal still fails
            // once the retry time is up.
            return failed.as(
                    Kind.DAMAGED_IN_TRANSIT,
                    status,
                    what + " was refused ("
                            + (code == null ? "HTTP 400 without an error code, taken as BadDigest" : detail)
                            + "): the body arrived damaged; sending it again");
        }
        if (status == 401 || status == 403 || (code != null && CREDENTIAL_CODES.contains(code))) {
            return failed.as(
                    Kind.ACCESS_DENIED,
                    status,
                    what + " was refused (" + detail + ") with credentials from "
                            + config.credentials().describe()
                            + ": check the access key, the secret and the bucket policy");
        }
        if ("SlowDown".equals(code) || "RequestLimitExceeded".equals(code) || status == 429) {
            return failed.as(Kind.THROTTLED, status, what + " was throttled (" + detail + ")");
        }
        if (status >= 500) {
            return failed.as(
                    Kind.SERVER_ERROR,
                    status,
                    what + " failed on the server (" + detail + "): " + oneLine(e.getMessage()));
        }
        if ("InvalidRange".equals(code) || status == 416) {
            return failed.as(
                    Kind.CORRUPT,
                    status,
                    failed.operation() + " " + config.bucket() + "/" + failed.key() + " at " + config.describeEndpoint()
                            + " asked for bytes past the end of the object (" + detail
                            + "): the object is shorter than it should be");
        }
        if (status == 408 || "RequestTimeout".equals(code)) {
            return failed.as(Kind.TIMEOUT, status, what + " timed out (" + detail + ")");
        }
        return failed.as(Kind.CLIENT_ERROR, status, what + " failed (" + detail + "): " + oneLine(e.getMessage()));
    }

    private StoreException stale(Failed failed, int status, String detail) {
        return failed.as(
                Kind.STALE_CREDENTIALS,
                status,
                failed.what() + " at " + config.describeEndpoint() + " was refused (" + detail
                        + ") with credentials from " + config.credentials().describe()
                        + ": expired credentials or a clock off by minutes; retrying with the credentials fetched anew"
                        + " (keep them refreshed, and the clock set)");
    }

    private StoreException fromClient(Failed failed) {
        Throwable e = failed.error();
        String names = causeNames(e).toUpperCase(Locale.ROOT);
        String where = config.describeEndpoint();
        String what = failed.what() + " at " + where;
        if (names.contains("CONNECTION_REFUSED")) {
            return failed.as(
                    Kind.CONNECTION,
                    0,
                    "cannot connect to " + where
                            + " (connection refused): is the server running, is --endpoint-url right?");
        }
        if (names.contains("DNS") || names.contains("HOST_NOT_FOUND") || names.contains("UNKNOWNHOSTEXCEPTION")) {
            return failed.as(
                    Kind.CONNECTION, 0, "cannot resolve the host of " + where + ": check --endpoint-url or --region");
        }
        // the CRT retries a 5xx itself and, when it gives up, the SDK reports its error name (AWS_ERROR_S3_
        // INTERNAL_ERROR, AWS_ERROR_S3_SLOW_DOWN) as a client exception without the status: still a server error
        if (names.contains("INDICATES_INTERNAL_SERVER_ERROR") || names.contains("AWS_ERROR_S3_INTERNAL_ERROR")) {
            return failed.as(
                    Kind.SERVER_ERROR, 500, what + " failed on the server (HTTP 5xx): " + oneLine(e.getMessage()));
        }
        if (names.contains("INDICATES_THROTTLING") || names.contains("AWS_ERROR_S3_SLOW_DOWN")) {
            return failed.as(Kind.THROTTLED, 503, what + " was throttled (HTTP 503): " + oneLine(e.getMessage()));
        }
        if (names.contains("TIMEOUT") || names.contains("TIMED_OUT")) {
            return failed.as(Kind.TIMEOUT, 0, what + " timed out: " + oneLine(e.getMessage()));
        }
        if (names.contains("CHECKSUM")) {
            return failed.as(
                    Kind.CORRUPT,
                    0,
                    "object " + config.bucket() + "/" + failed.key() + " at " + where + " failed its checksum check: "
                            + oneLine(e.getMessage()));
        }
        // the CRT retries a RequestTimeTooSkewed itself and then reports it by name, without the status
        if (names.contains("REQUESTTIMETOOSKEWED") || names.contains("REQUEST_TIME_TOO_SKEWED")) {
            return stale(failed, 403, "RequestTimeTooSkewed");
        }
        if (names.contains("CREDENTIAL")) {
            return failed.as(
                    Kind.ACCESS_DENIED,
                    0,
                    "no usable credentials from " + config.credentials().describe() + ": " + oneLine(e.getMessage()));
        }
        if (names.contains("SOCKET")
                || names.contains("CONNECTION")
                || names.contains("RESET")
                || names.contains("BROKEN_PIPE")
                || names.contains("CLOSED")
                || names.contains("IOEXCEPTION")) {
            return failed.as(Kind.CONNECTION, 0, what + " lost its connection: " + oneLine(e.getMessage()));
        }
        return failed.as(Kind.CLIENT_ERROR, 0, what + " failed: " + oneLine(String.valueOf(e)));
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
