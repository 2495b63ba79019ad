package dev.ublks3.storage.s3;

import dev.ublks3.storage.StoreException;
import dev.ublks3.storage.StoreException.Kind;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Copies a ranged GET's body straight into the caller's buffer (no intermediate byte array) and checks that it is
 * exactly the range asked for. Completes with the number of bytes copied, or fails:
 * <ul>
 *   <li>{@link Kind#CORRUPT} (not retryable) when the object is shorter than the range, the response covers other
 *       bytes than asked (Content-Length, Content-Range), or a whole-object response's CRC32C does not match;</li>
 *   <li>{@link Kind#CONNECTION} (retryable) when the body ends before its Content-Length: a cut transfer.</li>
 * </ul>
 * The CRC32C is checked only when the response carries {@code x-amz-checksum-crc32c} and covers the whole object:
 * S3 sends no checksum for a part of an object, so a partial read cannot be verified. Objects stored without a
 * checksum (e.g. by nbdkit) read unverified. {@link #prepare()} starts over, so the SDK may retry.
 */
final class IntoBufferTransformer implements AsyncResponseTransformer<GetObjectResponse, Integer> {

    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    private final String key;
    /** "bucket/key", for messages. */
    private final String object;
    private final long offset;
    private final ByteBuffer into;
    private final int expected;
    private volatile CompletableFuture<Integer> result;
    private volatile ByteBuffer target;
    /** The length the response promised, or -1 when it gave none. */
    private volatile long promised;
    /** The stored CRC32C to check the body against, or null when there is nothing to verify. */
    private volatile String storedCrc;
    /** Guards {@link #abandoned} and every write into the caller's buffer. */
    private final Object fence = new Object();
    private boolean abandoned;

    IntoBufferTransformer(String bucket, String key, long offset, ByteBuffer into) {
        this.key = key;
        this.object = bucket + "/" + key;
        this.offset = offset;
        this.into = into;
        this.expected = into.remaining();
    }

    @Override
    public CompletableFuture<Integer> prepare() {
        target = into.duplicate();
        promised = -1;
        storedCrc = null;
        result = new CompletableFuture<>();
        return result;
    }

    @Override
    public void onResponse(GetObjectResponse response) {
        StoreException wrong = check(response);
        if (wrong != null) {
            result.completeExceptionally(wrong);
        }
    }

    /** Whether the response is the range asked for; remembers the promised length and the checksum to verify. */
    private StoreException check(GetObjectResponse response) {
        Long length = response.contentLength();
        String range = response.contentRange();
        long objectSize = -1;
        if (range != null) {
            Matcher m = CONTENT_RANGE.matcher(range);
            if (!m.matches()) {
                return corrupt("GET " + object + " got an unreadable Content-Range '" + range + "'");
            }
            long first = Long.parseLong(m.group(1));
            long last = Long.parseLong(m.group(2));
            objectSize = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
            if (objectSize >= 0 && objectSize < offset + expected) {
                return corrupt("object " + object + " has " + objectSize + " bytes, asked for " + expected
                        + " at " + offset + ": the object is shorter than it should be");
            }
            if (first != offset || last != offset + expected - 1) {
                return corrupt("GET " + object + " asked for bytes " + offset + "-" + (offset + expected - 1)
                        + " (" + expected + " bytes) but the server sent " + range);
            }
        } else if (offset != 0) {
            return corrupt("GET " + object + " asked for " + expected + " bytes at " + offset
                    + " but the server ignored the range");
        } else {
            objectSize = length == null ? -1 : length; // no range: the whole object
        }
        if (length != null && length != expected) {
            return corrupt("GET " + object + " asked for " + expected + " bytes but the server sent " + length);
        }
        promised = length == null ? -1 : length;
        String crc = response.checksumCRC32C();
        // a composite checksum ("...-N", multipart) is not a CRC of the bytes: nothing to compare with
        if (offset == 0 && objectSize == expected && crc != null && !crc.contains("-")) {
            storedCrc = crc;
        }
        return null;
    }

    @Override
    public void onStream(SdkPublisher<ByteBuffer> publisher) {
        CompletableFuture<Integer> done = result;
        ByteBuffer out = target;
        String crc = storedCrc;
        long promisedLength = promised;
        publisher.subscribe(new Subscriber<ByteBuffer>() {
            private final CRC32C actual = crc == null ? null : new CRC32C();
            private Subscription subscription;
            private long received;

            @Override
            public void onSubscribe(Subscription s) {
                subscription = s;
                if (done.isDone()) {
                    s.cancel(); // the response was already refused: its bytes must not reach the buffer
                } else {
                    s.request(Long.MAX_VALUE);
                }
            }

            @Override
            public void onNext(ByteBuffer chunk) {
                int n = chunk.remaining();
                received += n;
                if (done.isDone()) {
                    return;
                }
                if (n > out.remaining()) {
                    done.completeExceptionally(corrupt("GET " + object + " asked for " + expected
                            + " bytes but the body had more"));
                    subscription.cancel();
                    return;
                }
                if (actual != null) {
                    actual.update(chunk.duplicate());
                }
                synchronized (fence) {
                    if (abandoned) {
                        return;
                    }
                    out.put(chunk);
                }
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }

            @Override
            public void onComplete() {
                if (received < expected) {
                    // the server promised the right length and then stopped: a transport fault, worth a retry
                    done.completeExceptionally(new StoreException(Kind.CONNECTION, "GET", key, 0,
                            "GET " + object + " was cut: got " + received + " of "
                                    + (promisedLength >= 0 ? promisedLength : expected) + " bytes", null));
                } else if (received > expected) {
                    done.completeExceptionally(corrupt("GET " + object + " asked for " + expected
                            + " bytes but the body had " + received));
                } else if (actual != null && !encode((int) actual.getValue()).equals(crc)) {
                    done.completeExceptionally(corrupt("object " + object + " is corrupt: CRC32C stored " + crc
                            + ", read " + encode((int) actual.getValue())));
                } else {
                    done.complete((int) received);
                }
            }
        });
    }

    /**
     * Gives the read up (e.g. it timed out): fails it with {@code why} and, once this returns, no byte of this
     * response (or a later one) is written into the caller's buffer, which may then be reused.
     */
    void abandon(Throwable why) {
        synchronized (fence) {
            abandoned = true;
        }
        CompletableFuture<Integer> done = result;
        if (done != null) {
            done.completeExceptionally(why);
        }
    }

    @Override
    public void exceptionOccurred(Throwable error) {
        CompletableFuture<Integer> done = result;
        if (done != null) {
            done.completeExceptionally(error);
        }
    }

    /** The big-endian CRC32C in S3's base64 form, e.g. "yZRlqg==". */
    static String encode(int crc) {
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt(crc).array());
    }

    private StoreException corrupt(String message) {
        return new StoreException(Kind.CORRUPT, "GET", key, 0, message, null);
    }
}
