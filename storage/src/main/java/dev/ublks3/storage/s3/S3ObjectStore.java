package dev.ublks3.storage.s3;

import dev.ublks3.storage.AdmissionLimit;
import dev.ublks3.storage.ObjectStore;
import dev.ublks3.storage.StoreException;
import dev.ublks3.storage.StoreException.Kind;
import dev.ublks3.storage.StoredObjectSize;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3CrtAsyncClientBuilder;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;

/**
 * The {@link ObjectStore} on S3 (or an S3-compatible server) through aws-sdk-java-v2's CRT-based async client.
 *
 * <ul>
 *   <li>Every GET carries an explicit {@code Range: bytes=a-b}: the CRT turns an unranged GET into a HEAD plus
 *       ranged GETs and reports a missing key as a bare 404. HTTP 404 (NoSuchKey or no code) reads as
 *       {@link ReadOutcome#ABSENT}; NoSuchBucket is an error.</li>
 *   <li>PUTs stay single requests up to 32 MiB (the CRT's multipart threshold and part size are set above that) and
 *       carry a CRC32C checksum of the whole object, which the server verifies and stores, and, as the user metadata
 *       {@code x-amz-meta-ublk-crc32c}, the CRC32C of each {@link S3Config#checksumGranule()} bytes of it
 *       ({@link GranuleChecksums}; a larger power of two when the object would have over 256 granules).</li>
 *   <li>A GET asks for its range widened to whole granules and checks the CRC32C of every granule it covers against
 *       the metadata before it completes ({@link IntoBufferTransformer}): a flipped bit anywhere in
 *       a granule fails the read CORRUPT (not retryable), naming the object, the granule's bytes and both CRC32Cs,
 *       and so does unreadable metadata or metadata for another length. A granule-aligned range (the usual case)
 *       is read straight into the caller's buffer; another goes through a scratch buffer. The body must be exactly
 *       the range asked for: an object shorter than the caller's range or a response covering other bytes fails
 *       CORRUPT, a body cut before its Content-Length fails CONNECTION (retryable).</li>
 *   <li>A store opened for a device's object size ({@link #open(S3Config, int)}) fails CORRUPT a GET or HEAD of an
 *       object of any other size, from the object's size in Content-Range: a device added with another object
 *       size than its objects were written with reads nothing misplaced and writes nothing over them.</li>
 *   <li>Objects without the metadata (nbdkit's, or written by ublk-s3 before it stored one) read unverified but for
 *       S3's own checksum: GETs ask for it (checksum mode enabled) and a response that covers the whole object and
 *       carries its CRC32C is verified (S3 returns none for a part of an object, S3Proxy none at all). Objects
 *       checksummed in a larger granule than configured verify only the granules a read covers whole.</li>
 *   <li>At most {@link S3Config#maxConnections()} requests are handed to the CRT at once, so each one handed over
 *       has a connection; and at most {@link S3Config#maxBytesInFlight()} bytes of GET bodies, and apart from them
 *       of PUT bodies, are in those requests. More wait in a queue, in order: a slow link makes requests wait their
 *       turn, not share it so thinly that they all time out.</li>
 *   <li>No request hangs: a connection with a request pending that moves no byte for
 *       {@link S3Config#stallTimeout()} is closed by the CRT (its connection health monitor), and an attempt not
 *       done {@link S3Config#requestTimeout()} after it was handed over (checked every eighth of it, at most every
 *       second; time spent waiting in the queues above does not count) is
 *       cancelled and fails TIMEOUT (a GET's buffer is fenced off first, so a late body never lands in it). Both
 *       failures are retryable; the retry layer bounds the rest.</li>
 *   <li>The CRT retries a failed request once itself (it reads 0 retries as its default of 3), and then reports a
 *       5xx as an error name without the status; those are translated as SERVER_ERROR / THROTTLED, retryable.</li>
 *   <li>No SDK type appears in this class's public API; every failure is a {@link StoreException}.</li>
 * </ul>
 */
public final class S3ObjectStore implements ObjectStore {

    private static final Logger LOG = LoggerFactory.getLogger(S3ObjectStore.class);

    /** The largest object this store PUTs as one request; the multipart threshold sits above it. */
    public static final long MAX_SINGLE_PUT = 32L << 20;
    private static final long MULTIPART_THRESHOLD = 2 * MAX_SINGLE_PUT;

    private final S3Config config;
    /** The size of every object of the device, or 0 when objects of any size are read. */
    private final int objectSize;
    private final S3AsyncClient client;
    /** Requests handed to the CRT: at most one per connection. */
    private final AdmissionLimit requests;
    /** Bytes of the GET bodies and of the PUT bodies of requests handed to the CRT. */
    private final AdmissionLimit downloads;
    private final AdmissionLimit uploads;
    private final S3ErrorTranslator errors;
    /** Ends attempts past their deadline ({@link S3Config#requestTimeout()}). */
    private final AttemptDeadlines deadlines;

    private S3ObjectStore(S3Config config, int objectSize, S3AsyncClient client) {
        this.config = config;
        this.objectSize = objectSize;
        this.client = client;
        this.requests = new AdmissionLimit(config.maxConnections());
        this.downloads = new AdmissionLimit(config.maxBytesInFlight());
        this.uploads = new AdmissionLimit(config.maxBytesInFlight());
        this.errors = new S3ErrorTranslator(config);
        this.deadlines = new AttemptDeadlines(config.requestTimeout(), "s3-deadlines");
    }

    /**
     * Loads the CRT's native library now, on the calling thread: its class initialisation takes a server's start a
     * second and more under emulation, which another CPU can spend while the server opens its device. A failure is
     * left for {@link #open} to meet.
     */
    public static void preload() {
        try {
            Class.forName("software.amazon.awssdk.crt.CRT", true, S3ObjectStore.class.getClassLoader());
        } catch (Throwable e) {
            // open() fails with the CRT's own error
        }
    }

    /**
     * The store of a device whose objects are {@code objectSize} bytes: checksummed in the granule for that size
     * ({@link S3Config#withChecksumGranuleFor}), and a GET (or HEAD) of an object of any other size fails CORRUPT,
     * naming both sizes and the fix, so that no read returns a misplaced part of it and no partial write cuts it
     * short or pads it. Sends no request.
     */
    public static S3ObjectStore open(S3Config config, int objectSize) {
        if (objectSize < 1) {
            throw new IllegalArgumentException("objectSize must be at least 1, got " + objectSize);
        }
        return build(config.withChecksumGranuleFor(objectSize), objectSize);
    }

    /**
     * Builds the CRT client for {@code config}, for objects of any size. Sends no request: a wrong bucket or key
     * shows on the first call.
     */
    public static S3ObjectStore open(S3Config config) {
        return build(config, 0);
    }

    private static S3ObjectStore build(S3Config config, int objectSize) {
        S3CrtAsyncClientBuilder builder = S3AsyncClient.crtBuilder()
                .region(Region.of(config.region()))
                .credentialsProvider(credentialsProvider(config.credentials()))
                .forcePathStyle(config.pathStyle())
                .maxConcurrency(config.maxConnections())
                // complete the futures on the CRT's thread that has the response: the SDK's default hands every
                // completion to a thread of its own (one more thread hop per request); what runs on completion
                // here never blocks (it queues the next calls, or hands a block request back to its queue)
                .futureCompletionExecutor(Runnable::run)
                .thresholdInBytes(MULTIPART_THRESHOLD)
                .minimumPartSizeInBytes(MULTIPART_THRESHOLD)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_SUPPORTED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_SUPPORTED)
                // the CRT reads 0 retries as "its default" (3): 1 is the fewest it makes
                .retryConfiguration(retry -> retry.numRetries(Math.max(1, config.crtRetries())))
                .httpConfiguration(http -> http.connectionTimeout(config.connectTimeout())
                        // a pending request on a connection that moves under 1 byte/s for the window fails it
                        .connectionHealthConfiguration(health -> health.minimumThroughputInBps(1L)
                                .minimumThroughputTimeout(config.stallTimeout())));
        if (config.endpoint() != null) {
            builder.endpointOverride(config.endpoint());
        }
        return new S3ObjectStore(config, objectSize, builder.build());
    }

    public S3Config config() {
        return config;
    }

    @Override
    public CompletableFuture<ReadOutcome> get(String key, long offset, ByteBuffer into) {
        int length = into.remaining();
        if (offset < 0) {
            return CompletableFuture.failedFuture(new StoreException(Kind.CLIENT_ERROR, "GET", key,
                    "GET " + key + " at a negative offset " + offset));
        }
        if (length == 0) {
            return head(key);
        }
        IntoBufferTransformer transformer = new IntoBufferTransformer(config.bucket(), key, offset, into,
                config.checksumGranule(), objectSize);
        return call("GET", key, downloads, length, () -> client.getObject(request -> request.bucket(config.bucket())
                        .key(key).range(transformer.range()).checksumMode(ChecksumMode.ENABLED), transformer),
                transformer::abandon,
                read -> {
                    into.position(into.position() + read);
                    return ReadOutcome.FOUND;
                },
                this::absentOnNotFound);
    }

    private CompletableFuture<ReadOutcome> head(String key) {
        return call("HEAD", key, null, 0, () -> client.headObject(request -> request.bucket(config.bucket()).key(key)), null,
                response -> {
                    Long size = response.contentLength();
                    String otherSize = objectSize > 0 && size != null
                            ? StoredObjectSize.mismatch(config.bucket() + "/" + key, size, objectSize) : null;
                    if (otherSize != null) {
                        throw new StoreException(Kind.CORRUPT, "HEAD", key, otherSize);
                    }
                    return ReadOutcome.FOUND;
                }, this::absentOnNotFound);
    }

    /** A 404 without NoSuchBucket means the key is missing; anything else stays an error. */
    private ReadOutcome absentOnNotFound(Throwable error, String key) {
        if (S3ErrorTranslator.unwrap(error) instanceof AwsServiceException service && service.statusCode() == 404
                && !"NoSuchBucket".equals(S3ErrorTranslator.errorCode(service))) {
            return ReadOutcome.ABSENT;
        }
        return null;
    }

    @Override
    public CompletableFuture<Void> put(String key, ByteBuffer data) {
        long length = data.remaining();
        if (length > MAX_SINGLE_PUT) {
            return CompletableFuture.failedFuture(new StoreException(Kind.CLIENT_ERROR, "PUT", key,
                    "PUT " + key + " of " + length + " bytes: objects are at most " + MAX_SINGLE_PUT + " bytes"));
        }
        // no copy: the caller keeps the buffer untouched until the future completes
        ByteBuffer body = data.duplicate();
        // never more granules than fit S3's 2 KB of metadata, whatever the configured granule
        int granule = Math.max(config.checksumGranule(), GranuleChecksums.granuleFor(length));
        Map<String, String> checksums = Map.of(GranuleChecksums.METADATA_KEY,
                GranuleChecksums.of(body, granule).format());
        return call("PUT", key, uploads, length, () -> client.putObject(request -> request.bucket(config.bucket()).key(key)
                        .contentLength(length).checksumAlgorithm(ChecksumAlgorithm.CRC32_C).metadata(checksums),
                AsyncRequestBody.fromRemainingByteBufferUnsafe(body)), null, response -> null, null);
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
        return call("DELETE", key, null, 0, () -> client.deleteObject(request -> request.bucket(config.bucket()).key(key)),
                null, response -> null, null);
    }

    @Override
    public CompletableFuture<Void> deleteObjects(List<String> keys) {
        if (keys.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        if (keys.size() > MAX_DELETE_KEYS) {
            return CompletableFuture.failedFuture(new StoreException(Kind.CLIENT_ERROR, "DELETE", null,
                    "DeleteObjects takes at most " + MAX_DELETE_KEYS + " keys, got " + keys.size()));
        }
        List<ObjectIdentifier> ids = keys.stream().map(k -> ObjectIdentifier.builder().key(k).build()).toList();
        Delete delete = Delete.builder().objects(ids).quiet(true).build();
        String first = keys.getFirst();
        return call("DELETE", first, null, 0, () -> client.deleteObjects(request -> request.bucket(config.bucket())
                        .delete(delete).checksumAlgorithm(ChecksumAlgorithm.CRC32_C)), null,
                response -> {
                    List<S3Error> failed = response.errors().stream()
                            .filter(e -> !"NoSuchKey".equals(e.code())).toList();
                    if (!failed.isEmpty()) {
                        throw perKeyFailure(failed, keys.size());
                    }
                    return null;
                }, null);
    }

    private StoreException perKeyFailure(List<S3Error> failed, int asked) {
        S3Error firstError = failed.getFirst();
        String code = firstError.code();
        if ("NoSuchBucket".equals(code)) {
            return errors.noSuchBucket("DELETE", firstError.key(), 404, null);
        }
        Kind kind = switch (code == null ? "" : code) {
            case "AccessDenied" -> Kind.ACCESS_DENIED;
            case "SlowDown" -> Kind.THROTTLED;
            case "InternalError", "ServiceUnavailable" -> Kind.SERVER_ERROR;
            default -> Kind.CLIENT_ERROR;
        };
        List<String> shown = new ArrayList<>();
        for (S3Error e : failed.subList(0, Math.min(3, failed.size()))) {
            shown.add(e.key() + " (" + e.code() + ": " + S3ErrorTranslator.oneLine(e.message()) + ")");
        }
        return new StoreException(kind, "DELETE", firstError.key(), 200,
                "DeleteObjects at " + config.describeEndpoint() + " failed for " + failed.size() + " of " + asked
                        + " keys: " + String.join(", ", shown) + (failed.size() > 3 ? ", ..." : ""), null);
    }

    @Override
    public CompletableFuture<ListPage> list(String prefix, String startAfter, String continuationToken, int maxKeys) {
        if (maxKeys < 1) {
            return CompletableFuture.failedFuture(new StoreException(Kind.CLIENT_ERROR, "LIST", prefix,
                    "maxKeys must be at least 1, got " + maxKeys));
        }
        ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(config.bucket())
                .maxKeys(Math.min(maxKeys, 1000));
        if (prefix != null) {
            request.prefix(prefix);
        }
        if (startAfter != null) {
            request.startAfter(startAfter);
        }
        if (continuationToken != null) {
            request.continuationToken(continuationToken);
        }
        ListObjectsV2Request built = request.build();
        return call("LIST", prefix, null, 0, () -> client.listObjectsV2(built), null, response -> {
            List<ListedObject> objects = response.contents().stream()
                    .map(o -> new ListedObject(o.key(), o.size() == null ? -1 : o.size())).toList();
            boolean truncated = Boolean.TRUE.equals(response.isTruncated());
            String next = truncated ? response.nextContinuationToken() : null;
            if (truncated && next == null) {
                throw new StoreException(Kind.SERVER_ERROR, "LIST", prefix, 200,
                        "LIST " + prefix + " at " + config.describeEndpoint()
                                + " was truncated but gave no continuation token", null);
            }
            return new ListPage(objects, next);
        }, null);
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            deadlines.close();
        }
    }

    /** What to return instead of failing, or null to fail; gets the raw error and the key. */
    private interface Recovery<T> {
        T recover(Throwable error, String key);
    }

    /**
     * Runs one SDK call once it is admitted (its body's bytes, then a connection) and under its deadline, maps its
     * response, and translates its failure. The mapping may throw a StoreException to fail the call.
     *
     * @param bytes   the limit of the call's body's direction ({@link #downloads}, {@link #uploads}), or null for a
     *                call without a body
     * @param length  the body's bytes
     * @param abandon run when the deadline passes, before the call fails (a GET fences off the caller's buffer);
     *                may be null
     */
    private <R, T> CompletableFuture<T> call(String operation, String key, AdmissionLimit bytes, long length,
                                             Supplier<CompletableFuture<R>> sdkCall, Consumer<Throwable> abandon,
                                             Function<R, T> onResponse, Recovery<T> recovery) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Supplier<CompletableFuture<R>> onConnection =
                () -> requests.submit(1, () -> withDeadline(operation, key, sdkCall, abandon));
        CompletableFuture<R> admitted = bytes == null ? onConnection.get() : bytes.submit(length, onConnection);
        admitted.whenComplete((response, error) -> {
            if (error == null) {
                try {
                    result.complete(onResponse.apply(response));
                } catch (RuntimeException e) {
                    result.completeExceptionally(errors.translate(e, operation, key));
                }
                return;
            }
            if (recovery != null) {
                T recovered = recovery.recover(error, key);
                if (recovered != null) {
                    result.complete(recovered);
                    return;
                }
            }
            StoreException failure = errors.translate(error, operation, key);
            LOG.debug("{} {} failed: {}", operation, key, failure.getMessage());
            result.completeExceptionally(failure);
        });
        return result;
    }

    /**
     * Starts the SDK call and fails it TIMEOUT if it has not completed within {@link S3Config#requestTimeout()}
     * (checked every {@link AttemptDeadlines#tickNanos() tick}, so up to a tick later): the CRT has no such deadline
     * of its own. The SDK future is then cancelled, which aborts the CRT request.
     */
    private <R> CompletableFuture<R> withDeadline(String operation, String key, Supplier<CompletableFuture<R>> sdkCall,
                                                  Consumer<Throwable> abandon) {
        CompletableFuture<R> started = sdkCall.get();
        CompletableFuture<R> bounded = new CompletableFuture<>();
        AttemptDeadlines.Deadline deadline = deadlines.start(() -> {
            StoreException timeout = new StoreException(Kind.TIMEOUT, operation, key, 0,
                    operation + (key == null ? "" : " " + key) + " at " + config.describeEndpoint()
                            + " timed out: no answer within " + config.requestTimeout().toMillis() / 1000.0 + " s",
                    null);
            if (abandon != null) {
                abandon.accept(timeout);
            }
            bounded.completeExceptionally(timeout);
            started.cancel(true);
        });
        started.whenComplete((value, error) -> {
            deadline.cancel();
            if (error != null) {
                bounded.completeExceptionally(error);
            } else {
                bounded.complete(value);
            }
        });
        return bounded;
    }

    private static AwsCredentialsProvider credentialsProvider(S3Credentials credentials) {
        return switch (credentials) {
            case S3Credentials.DefaultChain d -> DefaultCredentialsProvider.builder().build();
            case S3Credentials.Profile p -> ProfileCredentialsProvider.create(p.name());
            case S3Credentials.Keys k -> StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(k.accessKeyId(), k.secretAccessKey()));
            case S3Credentials.SessionKeys k -> StaticCredentialsProvider.create(
                    AwsSessionCredentials.create(k.accessKeyId(), k.secretAccessKey(), k.sessionToken()));
        };
    }
}
