package dev.ublks3.storage.s3;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach one bucket.
 *
 * @param bucket          the bucket name
 * @param endpoint        an S3-compatible endpoint (e.g. {@code http://127.0.0.1:9000}), or null for AWS itself
 * @param region          the signing region; {@code us-east-1} when an endpoint is given and no region
 * @param pathStyle       {@code http://host/bucket/key} instead of {@code http://bucket.host/key}; S3-compatible
 *                        servers usually need it
 * @param credentials     where the keys come from
 * @param maxConnections  the CRT's connection pool size ({@code maxConcurrency})
 * @param maxInFlight     requests handed to the CRT at once; more wait in a queue (never blocking the caller)
 * @param crtRetries      retries inside the CRT; 0 by default because the retry layer owns retries and counts them
 * @param connectTimeout  TCP connect timeout
 */
public record S3Config(String bucket, URI endpoint, String region, boolean pathStyle, S3Credentials credentials,
                       int maxConnections, int maxInFlight, int crtRetries, Duration connectTimeout) {

    public static final int DEFAULT_MAX_CONNECTIONS = 64;
    public static final int DEFAULT_MAX_IN_FLIGHT = 256;

    public S3Config {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (bucket.isEmpty()) {
            throw new IllegalArgumentException("the bucket name is empty");
        }
        if (region == null) {
            region = "us-east-1";
        }
        if (maxConnections < 1 || maxInFlight < 1 || crtRetries < 0) {
            throw new IllegalArgumentException("maxConnections and maxInFlight must be >= 1 and crtRetries >= 0, got "
                    + maxConnections + ", " + maxInFlight + ", " + crtRetries);
        }
    }

    /** AWS S3 in {@code region}, credentials from the default chain, virtual-host addressing. */
    public static S3Config aws(String bucket, String region) {
        return new S3Config(bucket, null, region, false, S3Credentials.defaultChain(),
                DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_IN_FLIGHT, 0, Duration.ofSeconds(10));
    }

    /** An S3-compatible server at {@code endpoint}, path-style, region us-east-1, explicit keys. */
    public static S3Config compatible(String bucket, URI endpoint, String accessKeyId, String secretAccessKey) {
        return new S3Config(bucket, endpoint, "us-east-1", true, S3Credentials.keys(accessKeyId, secretAccessKey),
                DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_IN_FLIGHT, 0, Duration.ofSeconds(10));
    }

    public S3Config withBucket(String newBucket) {
        return new S3Config(newBucket, endpoint, region, pathStyle, credentials, maxConnections, maxInFlight,
                crtRetries, connectTimeout);
    }

    public S3Config withEndpoint(URI newEndpoint, boolean newPathStyle) {
        return new S3Config(bucket, newEndpoint, region, newPathStyle, credentials, maxConnections, maxInFlight,
                crtRetries, connectTimeout);
    }

    public S3Config withRegion(String newRegion) {
        return new S3Config(bucket, endpoint, newRegion, pathStyle, credentials, maxConnections, maxInFlight,
                crtRetries, connectTimeout);
    }

    public S3Config withCredentials(S3Credentials newCredentials) {
        return new S3Config(bucket, endpoint, region, pathStyle, newCredentials, maxConnections, maxInFlight,
                crtRetries, connectTimeout);
    }

    public S3Config withConcurrency(int newMaxConnections, int newMaxInFlight) {
        return new S3Config(bucket, endpoint, region, pathStyle, credentials, newMaxConnections, newMaxInFlight,
                crtRetries, connectTimeout);
    }

    public S3Config withCrtRetries(int newCrtRetries) {
        return new S3Config(bucket, endpoint, region, pathStyle, credentials, maxConnections, maxInFlight,
                newCrtRetries, connectTimeout);
    }

    public S3Config withConnectTimeout(Duration newConnectTimeout) {
        return new S3Config(bucket, endpoint, region, pathStyle, credentials, maxConnections, maxInFlight,
                crtRetries, newConnectTimeout);
    }

    /** Where requests go, for messages: the endpoint, or "AWS S3 (region)". */
    public String describeEndpoint() {
        return endpoint != null ? endpoint.toString() : "AWS S3 (" + region + ")";
    }
}
