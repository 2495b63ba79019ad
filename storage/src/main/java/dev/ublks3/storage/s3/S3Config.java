package dev.ublks3.storage.s3;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach one bucket: the server, the keys, and how the CRT client is to use them.
 *
 * @param bucket          the bucket name
 * @param service         the server the bucket is on, and how to address it
 * @param credentials     where the keys come from
 * @param concurrency     how much is handed to the CRT at once
 * @param crtRetries      retries inside the CRT, uncounted; the retry layer owns retries and counts them, so as few
 *                        as the CRT allows: it reads 0 as its default of 3, so 0 here gives it 1 (2 attempts per
 *                        attempt of the retry layer); more is taken as given
 * @param timeouts        how long a connect, a stalled connection and one attempt may take
 * @param checksumGranule every PUT stores a CRC32C per this many bytes of the object (more when the object would
 *                        otherwise need over 256) and every GET widens its range to whole granules to verify them:
 *                        a power of two, at least 4 KiB. Set it from the objects' size with
 *                        {@link #withChecksumGranuleFor(int)}; the default (4 KiB) suits objects up to 1 MiB
 */
public record S3Config(
        String bucket,
        Service service,
        S3Credentials credentials,
        Concurrency concurrency,
        int crtRetries,
        Timeouts timeouts,
        int checksumGranule) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(20);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(120);

    public static final int DEFAULT_MAX_CONNECTIONS = 64;
    public static final long DEFAULT_MAX_BYTES_IN_FLIGHT = 64L << 20;
    public static final int DEFAULT_CHECKSUM_GRANULE = GranuleChecksums.MIN_GRANULE;

    /**
     * The server a bucket is on.
     *
     * @param endpoint  an S3-compatible endpoint (e.g. {@code http://127.0.0.1:9000}), or null for AWS itself
     * @param region    the signing region; {@code us-east-1} when an endpoint is given and no region
     * @param pathStyle {@code http://host/bucket/key} instead of {@code http://bucket.host/key}; S3-compatible
     *                  servers usually need it
     */
    public record Service(URI endpoint, String region, boolean pathStyle) {
        public Service {
            if (region == null) {
                region = "us-east-1";
            }
        }
    }

    // After each nested record, shortcuts to the fields of it that callers outside storage read.

    public URI endpoint() {
        return service.endpoint();
    }

    public String region() {
        return service.region();
    }

    /**
     * How much is handed to the CRT at once.
     *
     * @param maxConnections   the CRT's connection pool size ({@code maxConcurrency}), and the most requests handed
     *                         to it at once: more wait in a queue (never blocking the caller), so a request handed
     *                         over has a connection and its {@code requestTimeout} counts from then
     * @param maxBytesInFlight the most bytes of GET bodies, and apart from them of PUT bodies, in requests handed to
     *                         the CRT at once; more wait in order (a request larger than it goes alone). On a slow
     *                         link the requests queue here instead of sharing the link so thinly that they time out:
     *                         at 1 MB/s the default 64 MiB crosses in about 64 s, within the default request timeout
     */
    public record Concurrency(int maxConnections, long maxBytesInFlight) {
        static final Concurrency DEFAULT = new Concurrency(DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_BYTES_IN_FLIGHT);

        public Concurrency {
            if (maxConnections < 1 || maxBytesInFlight < 1) {
                throw new IllegalArgumentException("maxConnections and maxBytesInFlight must be >= 1, got "
                        + maxConnections + ", " + maxBytesInFlight);
            }
        }
    }

    public int maxConnections() {
        return concurrency.maxConnections();
    }

    /**
     * How long the steps of a request may take.
     *
     * @param connect TCP connect timeout
     * @param stall   a connection with a request pending that moves no byte for this long is closed and the request
     *                fails (TIMEOUT/CONNECTION, retryable): catches a server or network that goes silent, however
     *                long the transfer (the CRT's connection health monitor: at least 1 byte/s over this window;
     *                whole seconds, at least 2 s)
     * @param request the most one attempt may take from the moment it is handed to the CRT with a connection free:
     *                past it (checked every eighth of it, at most every second) the attempt is cancelled and fails
     *                TIMEOUT (retryable). A backstop for whatever the stall monitor does not see; above the time
     *                {@code maxBytesInFlight} takes to cross the link
     */
    public record Timeouts(Duration connect, Duration stall, Duration request) {
        static final Timeouts DEFAULT =
                new Timeouts(DEFAULT_CONNECT_TIMEOUT, DEFAULT_STALL_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);

        public Timeouts {
            Objects.requireNonNull(connect, "connectTimeout");
            Objects.requireNonNull(stall, "stallTimeout");
            Objects.requireNonNull(request, "requestTimeout");
            if (stall.compareTo(Duration.ofSeconds(2)) < 0 || request.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("stallTimeout must be at least 2 s (the CRT's least window) and "
                        + "requestTimeout at least 1 s, got " + stall + ", " + request);
            }
        }
    }

    public Duration connectTimeout() {
        return timeouts.connect();
    }

    public Duration stallTimeout() {
        return timeouts.stall();
    }

    public S3Config {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(concurrency, "concurrency");
        Objects.requireNonNull(timeouts, "timeouts");
        if (bucket.isEmpty()) {
            throw new IllegalArgumentException("the bucket name is empty");
        }
        if (crtRetries < 0) {
            throw new IllegalArgumentException("crtRetries must be >= 0, got " + crtRetries);
        }
        if (checksumGranule < GranuleChecksums.MIN_GRANULE || Integer.bitCount(checksumGranule) != 1) {
            throw new IllegalArgumentException("checksumGranule must be a power of two of at least "
                    + GranuleChecksums.MIN_GRANULE + ", got " + checksumGranule);
        }
    }

    /** AWS S3 in {@code region}, credentials from the default chain, virtual-host addressing. */
    public static S3Config aws(String bucket, String region) {
        return withDefaults(bucket, new Service(null, region, false), S3Credentials.defaultChain());
    }

    /** An S3-compatible server at {@code endpoint}, path-style, region us-east-1, explicit keys. */
    public static S3Config compatible(String bucket, URI endpoint, String accessKeyId, String secretAccessKey) {
        S3Credentials keys = S3Credentials.keys(accessKeyId, secretAccessKey);
        return withDefaults(bucket, new Service(endpoint, "us-east-1", true), keys);
    }

    private static S3Config withDefaults(String bucket, Service service, S3Credentials credentials) {
        return new S3Config(
                bucket, service, credentials, Concurrency.DEFAULT, 0, Timeouts.DEFAULT, DEFAULT_CHECKSUM_GRANULE);
    }

    /** The same bucket on the server at {@code newEndpoint}, addressed path-style or not. */
    public S3Config withEndpoint(URI newEndpoint, boolean newPathStyle) {
        Service newService = new Service(newEndpoint, service.region(), newPathStyle);
        return new S3Config(bucket, newService, credentials, concurrency, crtRetries, timeouts, checksumGranule);
    }

    public S3Config withCredentials(S3Credentials newCredentials) {
        return new S3Config(bucket, service, newCredentials, concurrency, crtRetries, timeouts, checksumGranule);
    }

    /** Connections (and requests handed to the CRT at once), and bytes in flight each way; see {@link Concurrency}. */
    public S3Config withConcurrency(int newMaxConnections, long newMaxBytesInFlight) {
        Concurrency newConcurrency = new Concurrency(newMaxConnections, newMaxBytesInFlight);
        return new S3Config(bucket, service, credentials, newConcurrency, crtRetries, timeouts, checksumGranule);
    }

    /** Timeouts of a stalled connection and of one attempt; see {@link Timeouts}. */
    public S3Config withTimeouts(Duration newStallTimeout, Duration newRequestTimeout) {
        Timeouts newTimeouts = new Timeouts(timeouts.connect(), newStallTimeout, newRequestTimeout);
        return new S3Config(bucket, service, credentials, concurrency, crtRetries, newTimeouts, checksumGranule);
    }

    /**
     * The checksum granule for objects of {@code objectSize} bytes (the device's object size): the largest of
     * 4 KiB and the power of two that splits such an object into at most 256 granules, the one its PUTs use, so
     * that its GETs widen their range to the granules its objects were checksummed in.
     */
    public S3Config withChecksumGranuleFor(int objectSize) {
        int granule = GranuleChecksums.granuleFor(objectSize);
        return new S3Config(bucket, service, credentials, concurrency, crtRetries, timeouts, granule);
    }

    /** Where requests go, for messages: the endpoint, or "AWS S3 (region)". */
    public String describeEndpoint() {
        return endpoint() != null ? endpoint().toString() : "AWS S3 (" + region() + ")";
    }
}
