package dev.ublks3.locals3;

import dev.ublks3.locals3.ServerRequestCounts.Alignment;
import dev.ublks3.locals3.ServerRequestCounts.Kind;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gaul.s3proxy.blobstore.BlobStore;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * Counts the S3 requests that reach the server, whichever client sends them (the CRT client, boto3 under nbdkit's
 * S3 plugin, the AWS CLI): a request counts when it arrives, failed ones included. See {@link ServerRequestCounts}
 * for what is counted.
 *
 * <ul>
 *   <li>A DeleteObjects is one DELETE_OBJECTS request and as many deleted keys as it names (S3Proxy turns a
 *       DeleteObjects whose entries carry ETag conditions into per-key deletes, which count as DELETEs).</li>
 *   <li>PUT bytes are those actually read from the body; GET bytes are the response's content length (the range
 *       length for a ranged GET). Sizes and alignment are recorded for GETs that return a body.</li>
 *   <li>A read-modify-write is a PUT of a key whose previous request was a GET of it that ended (body closed, or
 *       failed) at most {@link #RMW_WINDOW} earlier. The last GET time is kept per key until that key's next
 *       non-GET request or {@link #reset()}; benchmarks are finite, so this is bounded by the keys they read.</li>
 * </ul>
 */
public final class RequestCountingBlobStore extends PerRequestBlobStore {

    /** How soon after the GET of a key a PUT of it counts as the write half of a read-modify-write. */
    static final Duration RMW_WINDOW = Duration.ofSeconds(2);

    /** A Content-Range answer: {@code bytes FIRST-LAST/TOTAL}. */
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-\\d+/(?:\\d+|\\*)");
    /** A Range request: {@code bytes=FIRST-[LAST]} (a suffix range {@code bytes=-N} has no known start). */
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-\\d*");

    private final LongSupplier nanoClock;
    private final Map<Kind, LongAdder> requests = new EnumMap<>(Kind.class);
    private final LongAdder keysDeleted = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder readModifyWrite = new LongAdder();
    private final ConcurrentHashMap<Long, LongAdder> getSizes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, LongAdder> putSizes = new ConcurrentHashMap<>();
    private final Map<Alignment, LongAdder> getAlignment = new EnumMap<>(Alignment.class);
    /** bucket/key -> System.nanoTime() at the end of its last GET, while that GET is the key's last request. */
    private final ConcurrentHashMap<String, Long> lastGetEnd = new ConcurrentHashMap<>();

    public RequestCountingBlobStore(BlobStore delegate) {
        this(delegate, System::nanoTime);
    }

    RequestCountingBlobStore(BlobStore delegate, LongSupplier nanoClock) {
        super(delegate);
        this.nanoClock = nanoClock;
        for (Kind kind : Kind.values()) {
            requests.put(kind, new LongAdder());
        }
        for (Alignment a : Alignment.values()) {
            getAlignment.put(a, new LongAdder());
        }
    }

    /** The counts so far (each counter read on its own: a snapshot taken under load is not one instant). */
    public ServerRequestCounts snapshot() {
        Map<Kind, Long> byKind = new EnumMap<>(Kind.class);
        requests.forEach((kind, n) -> byKind.put(kind, n.sum()));
        Map<Alignment, Long> alignment = new EnumMap<>(Alignment.class);
        getAlignment.forEach((a, n) -> alignment.put(a, n.sum()));
        return new ServerRequestCounts(
                byKind,
                keysDeleted.sum(),
                bytesIn.sum(),
                bytesOut.sum(),
                readModifyWrite.sum(),
                histogram(getSizes),
                histogram(putSizes),
                alignment);
    }

    /** Zeroes every count and forgets the GETs a later PUT would pair with. */
    public void reset() {
        requests.values().forEach(LongAdder::reset);
        getAlignment.values().forEach(LongAdder::reset);
        keysDeleted.reset();
        bytesIn.reset();
        bytesOut.reset();
        readModifyWrite.reset();
        getSizes.clear();
        putSizes.clear();
        lastGetEnd.clear();
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
        requests.get(Kind.GET).increment();
        String key = keyOf(request.bucket(), request.key());
        ResponseInputStream<GetObjectResponse> response;
        try {
            response = delegate().getBlob(request);
        } catch (RuntimeException e) {
            lastGetEnd.put(key, nanoClock.getAsLong());
            throw e;
        }
        GetObjectResponse head = response.response();
        long length = head.contentLength() == null ? 0 : head.contentLength();
        bytesOut.add(length);
        add(getSizes, ServerRequestCounts.sizeBucket(length));
        getAlignment
                .get(Alignment.of(rangeStart(head.contentRange(), request.range())))
                .increment();
        return new ResponseInputStream<>(head, new FilterInputStream(response) {
            @Override
            public void close() throws IOException {
                lastGetEnd.put(key, nanoClock.getAsLong());
                super.close();
            }
        });
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream body) {
        requests.get(Kind.PUT).increment();
        Long getEnd = lastGetEnd.remove(keyOf(request.bucket(), request.key()));
        if (getEnd != null && nanoClock.getAsLong() - getEnd <= RMW_WINDOW.toNanos()) {
            readModifyWrite.increment();
        }
        CountingInputStream counted = new CountingInputStream(body);
        try {
            return delegate().putBlob(request, counted);
        } finally {
            bytesIn.add(counted.count);
            add(putSizes, ServerRequestCounts.sizeBucket(counted.count));
        }
    }

    @Override
    protected void beforeRequest(Kind kind, String bucket, List<String> keys) {
        requests.get(kind).increment();
        if (kind == Kind.DELETE || kind == Kind.DELETE_OBJECTS) {
            keysDeleted.add(keys.size());
        }
        // a request on a key ends the pairing of its last GET with a later PUT
        keys.forEach(key -> lastGetEnd.remove(keyOf(bucket, key)));
    }

    /** Where the returned bytes start in the object: from the answer's Content-Range, else the asked Range, else 0. */
    static long rangeStart(String contentRange, String range) {
        if (contentRange != null) {
            Matcher m = CONTENT_RANGE.matcher(contentRange.trim());
            if (m.matches()) {
                return Long.parseLong(m.group(1));
            }
        }
        if (range != null) {
            Matcher m = RANGE.matcher(range.trim());
            if (m.matches()) {
                return Long.parseLong(m.group(1));
            }
        }
        return 0;
    }

    private static String keyOf(String bucket, String key) {
        return bucket + "/" + key;
    }

    private static void add(ConcurrentHashMap<Long, LongAdder> histogram, long bucket) {
        histogram.computeIfAbsent(bucket, b -> new LongAdder()).increment();
    }

    private static TreeMap<Long, Long> histogram(ConcurrentHashMap<Long, LongAdder> counts) {
        TreeMap<Long, Long> out = new TreeMap<>();
        counts.forEach((bucket, n) -> {
            long sum = n.sum();
            if (sum > 0) {
                out.put(bucket, sum);
            }
        });
        return out;
    }

    /** Counts the body bytes the store actually reads. */
    private static final class CountingInputStream extends ObservedBody {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        protected void passed(long bytes) {
            count += bytes;
        }
    }
}
