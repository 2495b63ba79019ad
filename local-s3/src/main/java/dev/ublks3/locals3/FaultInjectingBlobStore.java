package dev.ublks3.locals3;

import dev.ublks3.locals3.FaultPlan.Fault;
import dev.ublks3.locals3.ServerRequestCounts.Kind;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.LongAdder;
import org.gaul.s3proxy.blobstore.BlobStore;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Makes the local server fail the way S3 does, at the rates of a {@link FaultPlan}: each request draws once and may
 * get an HTTP 500 InternalError, a 503 SlowDown or a 503 ServiceUnavailable (S3Proxy turns the thrown
 * {@link S3Exception} into that status and S3 XML error code), a 400 ExpiredToken or TokenRefreshRequired, a 403
 * RequestTimeTooSkewed, a 400 BadDigest for a PUT (after its body was read), a stall (the request waits {@link FaultPlan#stall()},
 * so the client times out first, and then fails with 500 without taking effect), or, for a GET with a body, a truncated body: the stream ends half way, S3Proxy has
 * promised the whole Content-Length, and the connection closes short. Connection resets need a TCP-level
 * {@link FaultyTcpProxy} and are not drawn here.
 *
 * <p>{@link #down(boolean)} switches the whole store off: every request fails with 503 ServiceUnavailable until
 * it is switched on again. Counters ({@link #snapshot()}) say what was injected.
 */
public final class FaultInjectingBlobStore extends PerRequestBlobStore {

    private final FaultPlan plan;
    private final Random random;
    private final Map<Fault, LongAdder> injected = new EnumMap<>(Fault.class);
    private final LongAdder whileDown = new LongAdder();
    private volatile boolean down;

    public FaultInjectingBlobStore(BlobStore delegate, FaultPlan plan) {
        super(delegate);
        this.plan = plan;
        this.random = new Random(plan.seed());
        for (Fault f : Fault.values()) {
            injected.put(f, new LongAdder());
        }
    }

    public FaultPlan plan() {
        return plan;
    }

    /** Switches the store off (every request fails with 503) or on again. */
    public void down(boolean isDown) {
        down = isDown;
    }

    public boolean isDown() {
        return down;
    }

    /** Counts one request refused while down elsewhere (by the TCP proxy). */
    void countWhileDown() {
        whileDown.increment();
    }

    /** Counts a fault injected elsewhere (a reset by the TCP proxy). */
    void count(Fault fault) {
        injected.get(fault).increment();
    }

    public FaultCounts snapshot() {
        Map<Fault, Long> counts = new EnumMap<>(Fault.class);
        injected.forEach((f, n) -> counts.put(f, n.sum()));
        return new FaultCounts(counts, whileDown.sum(), down);
    }

    public void reset() {
        injected.values().forEach(LongAdder::reset);
        whileDown.reset();
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
        Fault fault = before(true);
        ResponseInputStream<GetObjectResponse> response = delegate().getBlob(request);
        Long length = response.response().contentLength();
        if (fault != Fault.TRUNCATE || length == null || length < 1) {
            return response;
        }
        injected.get(Fault.TRUNCATE).increment();
        return new ResponseInputStream<>(response.response(), new Truncated(response, length / 2));
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream body) {
        if (before(false) == Fault.BAD_DIGEST) {
            injected.get(Fault.BAD_DIGEST).increment();
            try {
                body.transferTo(OutputStream.nullOutputStream()); // S3 reads the body before it compares
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            throw error(
                    400,
                    "BadDigest",
                    "injected fault: the CRC32C you specified did not match the calculated " + "checksum");
        }
        return delegate().putBlob(request, body);
    }

    @Override
    protected void beforeRequest(Kind kind, String bucket, List<String> keys) {
        before(false);
    }

    /**
     * Fails or stalls the request as drawn; returns TRUNCATE for a GET to cut (counted once it is cut), or
     * BAD_DIGEST (counted by the PUT that refuses its body), else null.
     */
    private Fault before(boolean get) {
        if (down) {
            whileDown.increment();
            throw error(503, "ServiceUnavailable", "the local S3 server is switched down");
        }
        Fault fault = draw();
        if (fault == null) {
            return null;
        }
        S3Exception refusal = refusal(fault);
        if (refusal != null) {
            injected.get(fault).increment();
            throw refusal;
        }
        switch (fault) {
            case STALL -> {
                injected.get(fault).increment();
                stall(plan.stall());
                // a hung request never takes effect: a stalled PUT landing after the client gave up (and wrote
                // newer data) would model a server that reorders writes, which no retry can make safe
                throw error(500, "InternalError", "injected fault: stalled for " + plan.stall());
            }
            case TRUNCATE -> {
                return get ? Fault.TRUNCATE : null;
            }
            case BAD_DIGEST -> {
                return Fault.BAD_DIGEST; // only a PUT acts on it
            }
            default -> {
                return null; // RESET is the proxy's
            }
        }
    }

    /** The S3 error a fault answers any request with at once, or null for the faults that act otherwise. */
    private static S3Exception refusal(Fault fault) {
        return switch (fault) {
            case INTERNAL_ERROR -> error(500, "InternalError", "injected fault: internal error");
            case SLOW_DOWN -> error(503, "SlowDown", "injected fault: please reduce your request rate");
            case SERVICE_UNAVAILABLE -> error(503, "ServiceUnavailable", "injected fault: service unavailable");
            case EXPIRED_TOKEN -> error(400, "ExpiredToken", "injected fault: the provided token has expired");
            case TOKEN_REFRESH ->
                error(400, "TokenRefreshRequired", "injected fault: the provided token must be " + "refreshed");
            case CLOCK_SKEW ->
                error(
                        403,
                        "RequestTimeTooSkewed",
                        "injected fault: the difference between the "
                                + "request time and the current time is too large");
            default -> null;
        };
    }

    /** The fault this request draws, or null; RESET draws count as none here. */
    private Fault draw() {
        double r;
        synchronized (random) {
            r = random.nextDouble();
        }
        double edge = 0;
        for (Fault f : Fault.values()) {
            double rate = plan.rate(f);
            if (rate == 0) {
                continue;
            }
            edge += rate;
            if (r < edge) {
                return f == Fault.RESET ? null : f;
            }
        }
        return null;
    }

    private void stall(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        try {
            for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                Thread.sleep(Duration.ofNanos(Math.min(left, 100_000_000L)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the server is stopping
        }
    }

    static S3Exception error(int status, String code, String message) {
        return (S3Exception) S3Exception.builder()
                .statusCode(status)
                .message(message)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage(message)
                        .build())
                .build();
    }

    /** A body that ends after {@code limit} bytes, before the Content-Length promised. */
    private static final class Truncated extends FilterInputStream {
        private long left;

        Truncated(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(Math.min(n, left));
            left -= skipped;
            return skipped;
        }
    }
}
