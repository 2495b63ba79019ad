package dev.ublks3.storage;

/**
 * A failed store call. The message is one line naming the problem and, where there is one, the fix.
 * {@link #kind()} tells the retry layer whether trying again can help.
 */
public final class StoreException extends RuntimeException {

    /** What went wrong, by what a caller can do about it. */
    public enum Kind {
        /** The bucket does not exist. Not retryable. */
        NO_SUCH_BUCKET(false),
        /** Credentials missing, wrong, or not allowed (HTTP 401/403). Not retryable. */
        ACCESS_DENIED(false),
        /** The credentials expired (ExpiredToken, TokenRefreshRequired) or the request's time is too far from the
         *  server's clock (RequestTimeTooSkewed): usually transient. Retryable: every attempt is signed anew, with
         *  the credentials the provider gives then (refreshed once they expire) and the clock then. */
        STALE_CREDENTIALS(true),
        /** The server got other bytes than were sent (BadDigest: the body's checksum did not match): damaged in
         *  transit. Retryable: the next attempt sends the same bytes again. */
        DAMAGED_IN_TRANSIT(true),
        /** The server asked us to slow down (HTTP 503 SlowDown, 429). Retryable. */
        THROTTLED(true),
        /** HTTP 5xx. Retryable. */
        SERVER_ERROR(true),
        /** Connection refused, reset, or closed mid-response. Retryable. */
        CONNECTION(true),
        /** No answer within the timeout. Retryable. */
        TIMEOUT(true),
        /** The stored object is not what was asked for: shorter than the range, of another size than the device's
         *  objects, a response for other bytes, or a checksum mismatch. Not retryable: the same bytes would come
         *  back (a cut transfer is CONNECTION). */
        CORRUPT(false),
        /** Any other 4xx or a bad request. Not retryable. */
        CLIENT_ERROR(false);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private final Kind kind;
    private final String operation;
    private final String key;
    private final int httpStatus;

    /**
     * @param operation the call, e.g. "GET", "PUT", "LIST", "DELETE"
     * @param key       the object key or prefix, or null
     * @param httpStatus the HTTP status, or 0 when there was no response
     */
    public StoreException(Kind kind, String operation, String key, int httpStatus, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.operation = operation;
        this.key = key;
        this.httpStatus = httpStatus;
    }

    public StoreException(Kind kind, String operation, String key, String message) {
        this(kind, operation, key, 0, message, null);
    }

    public Kind kind() {
        return kind;
    }

    public boolean retryable() {
        return kind.retryable();
    }

    public String operation() {
        return operation;
    }

    public String key() {
        return key;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
