package dev.ublks3.locals3;

import dev.ublks3.locals3.ServerRequestCounts.Kind;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Makes the local server behave like a distant one, the same for every client: each request first waits a fixed
 * latency, then its payload crosses a bandwidth cap, one per direction shared by all requests (PUT and upload-part
 * bodies in, GET bodies out), as {@link TokenBucket}s without burst: a pipe.
 *
 * <p>Bodies are throttled while they flow: a PUT's as the store reads it, a GET's as S3Proxy reads the returned
 * stream to send it (the response object is kept). So a transfer takes its real share of the pipe, and a client
 * that reads a GET body slowly is not charged up front.
 */
public final class EmulatedLinkBlobStore extends PerRequestBlobStore {

    /** Time as the link sees it: injectable so tests need no real waiting. */
    public interface Clock {
        long nanoTime();

        void sleepNanos(long nanos) throws InterruptedException;

        Clock SYSTEM = new Clock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleepNanos(long nanos) throws InterruptedException {
                Thread.sleep(Duration.ofNanos(nanos));
            }
        };
    }

    private final Clock clock;
    private final long latencyNanos;
    /** Null when the bandwidth is unlimited. */
    private final TokenBucket in;

    private final TokenBucket out;

    /**
     * @param latency        waited before each request; zero for none
     * @param bytesPerSecond the cap in each direction; 0 for unlimited
     */
    public EmulatedLinkBlobStore(BlobStore delegate, Duration latency, long bytesPerSecond) {
        this(delegate, latency, bytesPerSecond, Clock.SYSTEM);
    }

    EmulatedLinkBlobStore(BlobStore delegate, Duration latency, long bytesPerSecond, Clock clock) {
        super(delegate);
        checkLink(latency, bytesPerSecond);
        this.clock = clock;
        this.latencyNanos = latency.toNanos();
        this.in = bytesPerSecond == 0 ? null : new TokenBucket(bytesPerSecond, 0);
        this.out = bytesPerSecond == 0 ? null : new TokenBucket(bytesPerSecond, 0);
    }

    /** Refuses a negative latency or bandwidth (0 bytes/s is no cap). */
    static void checkLink(Duration latency, long bytesPerSecond) {
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency " + latency + " is negative: give zero or more");
        }
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException(
                    "bandwidth " + bytesPerSecond + " bytes/s is negative: give a positive rate, or 0 for unlimited");
        }
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
        delay();
        ResponseInputStream<GetObjectResponse> response = delegate().getBlob(request);
        return out == null ? response : new ResponseInputStream<>(response.response(), new Throttled(response, out));
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream body) {
        delay();
        return delegate().putBlob(request, in == null ? body : new Throttled(body, in));
    }

    @Override
    public UploadPartResponse uploadMultipartPart(MultipartUpload upload, UploadPartRequest request, InputStream body) {
        return super.uploadMultipartPart(upload, request, in == null ? body : new Throttled(body, in));
    }

    @Override
    protected void beforeRequest(Kind kind, String bucket, List<String> keys) {
        delay(); // once for a DeleteObjects: one round trip, however many keys
    }

    private void delay() {
        if (latencyNanos > 0) {
            try {
                sleepUntil(clock.nanoTime() + latencyNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the server is stopping: serve without the delay
            }
        }
    }

    private void sleepUntil(long deadline) throws InterruptedException {
        for (long left; (left = deadline - clock.nanoTime()) > 0; ) {
            clock.sleepNanos(left);
        }
    }

    /** A body that takes its bytes from the pipe: each read returns once the pipe has carried them. */
    private final class Throttled extends ObservedBody {
        private final TokenBucket pipe;

        Throttled(InputStream body, TokenBucket pipe) {
            super(body);
            this.pipe = pipe;
        }

        @Override
        protected void passed(long bytes) throws InterruptedIOException {
            try {
                sleepUntil(pipe.reserve(bytes, clock.nanoTime()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while emulating the link bandwidth");
            }
        }
    }
}
