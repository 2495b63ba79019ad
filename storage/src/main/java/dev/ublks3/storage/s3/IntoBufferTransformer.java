package dev.ublks3.storage.s3;

import dev.ublks3.storage.StoreException;
import dev.ublks3.storage.StoreException.Kind;
import dev.ublks3.storage.StoredObjectSize;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Reads the caller's range of an object into the caller's buffer, verified against the object's per-granule
 * CRC32Cs ({@link GranuleChecksums}, user metadata {@code x-amz-meta-ublk-crc32c}).
 *
 * <p>The request asks for the caller's range widened outwards to whole granules ({@link #range()}); on the last
 * granule it may reach past the object's end, and S3 then sends the bytes there are (Content-Range names the
 * object's size). A granule-aligned range (the common case: kernel I/O is 4 KiB aligned, whole-object reads are)
 * is the caller's own and its body goes straight into the caller's buffer; any other goes into a scratch buffer
 * and only the caller's bytes are copied over once every granule checked out. Completes with the number of bytes
 * of the caller's range, or fails:
 * <ul>
 *   <li>{@link Kind#CORRUPT} (not retryable) when the object is not the device's object size (when it has one:
 *       the total of Content-Range, or the length of a whole-object response; the message names both sizes and
 *       the fix), when it is shorter than the caller's range, the response
 *       covers other bytes than asked (Content-Length, Content-Range), a granule's CRC32C is not the stored one
 *       (the message names the object, the granule's bytes and both CRC32Cs), the checksum metadata is unreadable
 *       or lists another number of granules than the object has (it is not the object that was written), or a
 *       whole-object response's {@code x-amz-checksum-crc32c} does not match;</li>
 *   <li>{@link Kind#CONNECTION} (retryable) when the body ends before its Content-Length: a cut transfer.</li>
 * </ul>
 * Verified: every granule the response covers from its first byte to its last (or the object's end). When the
 * object was checksummed in the configured granule (or a smaller one) that is every byte returned. An object
 * checksummed in a larger granule (written with another configuration) is verified only in the granules the
 * widened range happens to cover whole, and a warning says so once. An object without the metadata (written by
 * nbdkit's S3 plugin, or by ublk-s3 before it stored one) reads unverified, except that a response covering the
 * whole object and carrying {@code x-amz-checksum-crc32c} is checked against it.
 *
 * <p>{@link #prepare()} starts over, so the SDK may retry. {@link #abandon} fences the caller's buffer off.
 */
final class IntoBufferTransformer implements AsyncResponseTransformer<GetObjectResponse, Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(IntoBufferTransformer.class);
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    /** Warn once per process about objects checksummed in another granule: a configuration to fix, not an error. */
    private static final AtomicBoolean WARNED_OTHER_GRANULE = new AtomicBoolean();

    private final String key;
    /** "bucket/key", for messages. */
    private final String object;

    private final int configuredGranule;
    /** The size every object of the device has, or 0 when objects of any size are read. */
    private final long deviceObjectSize;
    /** The caller's range: {@code expected} bytes at {@code offset}, into {@code into}. */
    private final long offset;

    private final ByteBuffer into;
    private final int expected;
    /** The range asked for, {@code [first, end)}: the caller's, widened to whole granules. */
    private final long first;

    private final long end;
    /** Whether the range asked for is the caller's, so the body goes straight into the caller's buffer. */
    private final boolean direct;

    private volatile CompletableFuture<Integer> result;
    private volatile String eTag;
    /** Where the body goes: the caller's buffer (a duplicate) or a scratch buffer holding the widened range. */
    private volatile ByteBuffer target;
    /** The body length the response's ranges call for. */
    private volatile long bodyLength;
    /** The length the response promised, or -1 when it gave none. */
    private volatile long promised;
    /** The stored whole-object CRC32C to check the body against, or null when there is none to verify. */
    private volatile String storedCrc;
    /** The per-granule CRC32Cs from the object's metadata, or null when it has none. */
    private volatile GranuleChecksums granules;
    /** The object's size, or -1 when the response did not say. */
    private volatile long objectSize;
    /** Guards {@link #abandoned} and every write into the caller's buffer. */
    private final Object fence = new Object();

    private boolean abandoned;

    /**
     * @param granule    the configured checksum granule ({@link S3Config#checksumGranule()}), a power of two
     * @param objectSize the size every object of the device has (an object of another size fails the read), or 0
     *                   for objects of any size
     */
    IntoBufferTransformer(String bucket, String key, long offset, ByteBuffer into, int granule, long objectSize) {
        this.key = key;
        this.object = bucket + "/" + key;
        this.configuredGranule = granule;
        this.deviceObjectSize = objectSize;
        this.offset = offset;
        this.into = into;
        this.expected = into.remaining();
        this.first = offset & -(long) granule;
        this.end = (offset + expected + granule - 1) & -(long) granule;
        this.direct = first == offset && end == offset + expected;
    }

    /** The Range header to send, e.g. {@code bytes=4096-8191}. */
    String range() {
        return "bytes=" + first + "-" + (end - 1);
    }

    @Override
    public CompletableFuture<Integer> prepare() {
        target = direct ? into.duplicate() : ByteBuffer.allocate(Math.toIntExact(end - first));
        bodyLength = end - first;
        promised = -1;
        storedCrc = null;
        granules = null;
        objectSize = -1;
        result = new CompletableFuture<>();
        return result;
    }

    /** The ETag of the object the response came from, once it has come (null if the store gave none). */
    String eTag() {
        return eTag;
    }

    @Override
    public void onResponse(GetObjectResponse response) {
        eTag = response.eTag();
        StoreException wrong = check(response);
        if (wrong != null) {
            result.completeExceptionally(wrong);
        }
    }

    /** Whether the response is the range asked for; remembers its length and the checksums to verify. */
    private StoreException check(GetObjectResponse response) {
        Long length = response.contentLength();
        String range = response.contentRange();
        Matcher m = range == null ? null : CONTENT_RANGE.matcher(range);
        long size;
        if (m != null) {
            if (!m.matches()) {
                return corrupt("GET " + object + " got an unreadable Content-Range '" + range + "'");
            }
            size = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
        } else if (first != 0) {
            return corrupt("GET " + object + " asked for " + (end - first) + " bytes at " + first
                    + " but the server ignored the range");
        } else {
            size = length == null ? -1 : length; // no range: the whole object
        }
        String otherSize =
                deviceObjectSize > 0 && size >= 0 ? StoredObjectSize.mismatch(object, size, deviceObjectSize) : null;
        if (otherSize != null) {
            return corrupt(otherSize);
        }
        if (size >= 0 && size < offset + expected) {
            return shorter(size);
        }
        if (m != null) {
            // the last granule may reach past the object's end: the server sends what there is
            long last = (size >= 0 ? Math.min(end, size) : end) - 1;
            if (Long.parseLong(m.group(1)) != first || Long.parseLong(m.group(2)) != last) {
                return corrupt("GET " + object + " asked for bytes " + first + "-" + (end - 1) + " (" + (end - first)
                        + " bytes) but the server sent " + range);
            }
        }
        long body = (size >= 0 ? Math.min(end, size) : end) - first;
        if (length != null && length != body) {
            return corrupt("GET " + object + " asked for " + body + " bytes but the server sent " + length);
        }
        bodyLength = body;
        promised = length == null ? -1 : length;
        objectSize = size;
        String crc = response.checksumCRC32C();
        // a composite checksum ("...-N", multipart) is not a CRC of the bytes: nothing to compare with
        if (first == 0 && size == body && crc != null && !crc.contains("-")) {
            storedCrc = crc;
        }
        String stored = response.metadata().get(GranuleChecksums.METADATA_KEY);
        if (stored != null) {
            GranuleChecksums sums;
            try {
                sums = GranuleChecksums.parse(stored);
            } catch (IllegalArgumentException e) {
                return corrupt("object " + object + " has unreadable checksum metadata x-amz-meta-"
                        + GranuleChecksums.METADATA_KEY + " (" + e.getMessage() + ")");
            }
            if (size >= 0 && sums.count() != GranuleChecksums.count(size, sums.granule())) {
                return corrupt("object " + object + " has " + size + " bytes but its checksum metadata lists "
                        + sums.count() + " granules of " + sums.granule() + " bytes: it is not the object written");
            }
            if (sums.granule() > configuredGranule && WARNED_OTHER_GRANULE.compareAndSet(false, true)) {
                LOG.warn(
                        "object {} was checksummed per {} bytes, reads ask for whole {}-byte granules: they verify "
                                + "only the granules they happen to cover whole (S3Config.withChecksumGranuleFor with the "
                                + "object size fixes it)",
                        object,
                        sums.granule(),
                        configuredGranule);
            }
            granules = sums;
        }
        return null;
    }

    @Override
    public void onStream(SdkPublisher<ByteBuffer> publisher) {
        CompletableFuture<Integer> done = result;
        ByteBuffer out = target;
        String crc = storedCrc;
        long length = bodyLength;
        long promisedLength = promised;
        GranuleVerifier verifier = granules == null
                ? null
                : new GranuleVerifier(granules, first, objectSize >= 0 ? objectSize : Long.MAX_VALUE);
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
                if (received > length) {
                    fail(corrupt("GET " + object + " asked for " + length + " bytes but the body had more"));
                    return;
                }
                if (actual != null) {
                    actual.update(chunk.duplicate());
                }
                StoreException mismatch = verifier == null ? null : verifier.update(chunk.duplicate());
                if (mismatch != null) {
                    fail(mismatch);
                    return;
                }
                if (!direct) {
                    out.put(chunk); // the scratch buffer: only this response writes it
                    return;
                }
                synchronized (fence) {
                    if (abandoned) {
                        return;
                    }
                    out.put(chunk);
                }
            }

            private void fail(StoreException error) {
                done.completeExceptionally(error);
                subscription.cancel();
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }

            @Override
            public void onComplete() {
                if (done.isDone()) {
                    return;
                }
                if (received < length) {
                    // the server promised the right length and then stopped: a transport fault, worth a retry
                    done.completeExceptionally(new StoreException(
                            Kind.CONNECTION,
                            "GET",
                            key,
                            0,
                            "GET " + object + " was cut: got " + received + " of "
                                    + (promisedLength >= 0 ? promisedLength : length) + " bytes",
                            null));
                } else if (actual != null && !encode((int) actual.getValue()).equals(crc)) {
                    done.completeExceptionally(corrupt("object " + object + " is corrupt: CRC32C stored " + crc
                            + ", read " + encode((int) actual.getValue())));
                } else if (direct) {
                    done.complete(expected);
                } else {
                    synchronized (fence) {
                        if (!abandoned) {
                            into.duplicate().put(out.slice(Math.toIntExact(offset - first), expected));
                        }
                    }
                    done.complete(expected);
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
        return Base64.getEncoder()
                .encodeToString(ByteBuffer.allocate(4).putInt(crc).array());
    }

    private StoreException shorter(long size) {
        return corrupt("object " + object + " has " + size + " bytes, asked for " + expected + " at " + offset
                + ": the object is shorter than it should be");
    }

    private StoreException corrupt(String message) {
        return new StoreException(Kind.CORRUPT, "GET", key, 0, message, null);
    }

    /**
     * Checks each granule's CRC32C as the body streams past, from the body's first byte at {@code position}: every
     * granule seen from its first byte to its last (the last granule ends at the object's end); a granule the body
     * starts or ends inside of (only when the object has larger granules than the range was widened to) is
     * skipped.
     */
    private final class GranuleVerifier {
        private final GranuleChecksums sums;
        private final long bodyStart;
        private final long objectSize;
        private final CRC32C crc = new CRC32C();
        private long position;

        GranuleVerifier(GranuleChecksums sums, long bodyStart, long objectSize) {
            this.sums = sums;
            this.bodyStart = bodyStart;
            this.objectSize = objectSize;
            this.position = bodyStart;
        }

        /** Feeds the next bytes of the body (consuming {@code bytes}); returns the first mismatch, or null. */
        StoreException update(ByteBuffer bytes) {
            int granule = sums.granule();
            while (bytes.hasRemaining()) {
                long index = position / granule;
                long granuleStart = index * granule;
                long granuleEnd = Math.min(granuleStart + granule, objectSize);
                int n = (int) Math.min(bytes.remaining(), granuleEnd - position);
                boolean checked = granuleStart >= bodyStart && index < sums.count();
                int limit = bytes.limit();
                bytes.limit(bytes.position() + n);
                if (checked) {
                    crc.update(bytes); // consumes the n bytes
                } else {
                    bytes.position(bytes.limit());
                }
                bytes.limit(limit);
                position += n;
                if (checked && position == granuleEnd) {
                    int read = (int) crc.getValue();
                    crc.reset();
                    int stored = sums.crc((int) index);
                    if (read != stored) {
                        return corrupt("object " + object + " is corrupt in bytes " + granuleStart + "-"
                                + (granuleEnd - 1) + " (granule " + index + " of " + granule + " bytes): CRC32C stored "
                                + GranuleChecksums.hex(stored) + ", read " + GranuleChecksums.hex(read));
                    }
                }
            }
            return null;
        }
    }
}
