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
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
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
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
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
 *   <li>At most {@link S3Config.Concurrency#maxConnections()} requests are handed to the CRT at once, so each one
 *       handed over has a connection; and at most {@link S3Config.Concurrency#maxBytesInFlight()} bytes of GET
 *       bodies, and apart from them of PUT bodies, are in those requests. More wait in a queue, in order: a slow
 *       link makes requests wait their turn, not share it so thinly that they all time out.</li>
 *   <li>No request hangs: a connection with a request pending that moves no byte for
 *       {@link S3Config.Timeouts#stall()} is closed by the CRT (its connection health monitor), and an attempt not
 *       done {@link S3Config.Timeouts#request()} after it was handed over (checked every eighth of it, at most every
 *       second; time spent waiting in the queues above does not count) is
 *       cancelled and fails TIMEOUT (a GET's buffer is fenced off first, so a late body never lands in it). Both
 *       failures are retryable; the retry layer bounds the rest.</li>
 *   <li>The CRT retries a failed request once itself (it reads 0 retries as its default of 3), and then reports a
 *       5xx as an error name without the status; those are translated as SERVER_ERROR / THROTTLED, retryable.</li>
 *   <li>A PUT is conditional on the version of the object this store saw last ({@link ObjectVersions}: from its
 *       own PUT, a GET, HEAD or LIST): {@code If-Match: ETAG}, or {@code If-None-Match: *} when it found the object
 *       absent; unconditional when it knows nothing of it. So a PUT a dead server had sent, arriving late, cannot
 *       replace a newer write of the server that took its device over (S3, MinIO, R2 and GCS check the condition;
 *       {@link #checkConditionalWrites} tells whether an endpoint does, and {@link #conditionalWrites(boolean)}
 *       turns them off where it does not). When the condition fails, the object was written behind this store's
 *       back: it reads the object's version (HEAD), logs it, and PUTs again conditional on that version, at most
 *       {@value #MAX_CONFLICTS} times. The device's own write is the newest its kernel issued, and the object map
 *       orders the writes of one object, so what it replaces is older: a dead server's late PUT.</li>
 *   <li>No SDK type appears in this class's public API; every failure is a {@link StoreException}.</li>
 * </ul>
 */
public final class S3ObjectStore implements ObjectStore {

    private static final Logger LOG = LoggerFactory.getLogger(S3ObjectStore.class);

    /** The largest object this store PUTs as one request; the multipart threshold sits above it. */
    public static final long MAX_SINGLE_PUT = 32L << 20;

    private static final long MULTIPART_THRESHOLD = 2 * MAX_SINGLE_PUT;
    /** PUTs of one write whose condition failed, before it fails: another writer keeps writing the object. */
    static final int MAX_CONFLICTS = 3;

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
    /** What this store saw last of the objects used lately: what its PUTs are conditional on. */
    private final ObjectVersions versions = new ObjectVersions(ObjectVersions.DEFAULT_MAX_KEYS);

    private volatile boolean conditionalWrites = true;
    /** PUTs whose condition failed: objects written behind this store's back. */
    private final LongAdder conflicts = new LongAdder();
    /** Ends attempts past their deadline ({@link S3Config.Timeouts#request()}). */
    private final AttemptDeadlines deadlines;

    private S3ObjectStore(S3Config config, int objectSize, S3AsyncClient client) {
        this.config = config;
        this.objectSize = objectSize;
        this.client = client;
        this.requests = new AdmissionLimit(config.concurrency().maxConnections());
        this.downloads = new AdmissionLimit(config.concurrency().maxBytesInFlight());
        this.uploads = new AdmissionLimit(config.concurrency().maxBytesInFlight());
        this.errors = new S3ErrorTranslator(config);
        this.deadlines = new AttemptDeadlines(config.timeouts().request(), "s3-deadlines");
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
        S3Config.Service service = config.service();
        S3Config.Timeouts timeouts = config.timeouts();
        S3CrtAsyncClientBuilder builder = S3AsyncClient.crtBuilder()
                .region(Region.of(service.region()))
                .credentialsProvider(credentialsProvider(config.credentials()))
                .forcePathStyle(service.pathStyle())
                .maxConcurrency(config.concurrency().maxConnections())
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
                .httpConfiguration(http -> http.connectionTimeout(timeouts.connect())
                        // a pending request on a connection that moves under 1 byte/s for the window fails it
                        .connectionHealthConfiguration(health ->
                                health.minimumThroughputInBps(1L).minimumThroughputTimeout(timeouts.stall())));
        if (service.endpoint() != null) {
            builder.endpointOverride(service.endpoint());
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
            return CompletableFuture.failedFuture(new StoreException(
                    Kind.CLIENT_ERROR, "GET", key, "GET " + key + " at a negative offset " + offset));
        }
        if (length == 0) {
            return head(key);
        }
        IntoBufferTransformer transformer =
                new IntoBufferTransformer(config.bucket(), key, offset, into, config.checksumGranule(), objectSize);
        long stamp = versions.stamp();
        return call(
                "GET",
                key,
                downloads,
                length,
                () -> client.getObject(
                        request -> request.bucket(config.bucket())
                                .key(key)
                                .range(transformer.range())
                                .checksumMode(ChecksumMode.ENABLED),
                        transformer),
                transformer::abandon,
                read -> {
                    into.position(into.position() + read);
                    versions.read(key, ObjectVersions.version(transformer.eTag()), stamp);
                    return ReadOutcome.FOUND;
                },
                (error, k) -> absentOnNotFound(error, k, stamp));
    }

    private CompletableFuture<ReadOutcome> head(String key) {
        long stamp = versions.stamp();
        return headCall(
                key,
                response -> {
                    Long size = response.contentLength();
                    String otherSize = objectSize > 0 && size != null
                            ? StoredObjectSize.mismatch(config.bucket() + "/" + key, size, objectSize)
                            : null;
                    if (otherSize != null) {
                        throw new StoreException(Kind.CORRUPT, "HEAD", key, otherSize);
                    }
                    versions.read(key, ObjectVersions.version(response.eTag()), stamp);
                    return ReadOutcome.FOUND;
                },
                (error, k) -> absentOnNotFound(error, k, stamp));
    }

    /** A 404 without NoSuchBucket means the key is missing; anything else stays an error. */
    private ReadOutcome absentOnNotFound(Throwable error, String key, long stamp) {
        if (isNotFound(error)) {
            versions.read(key, ObjectVersions.ABSENT, stamp);
            return ReadOutcome.ABSENT;
        }
        return null;
    }

    private static boolean isNotFound(Throwable error) {
        return S3ErrorTranslator.unwrap(error) instanceof AwsServiceException service
                && service.statusCode() == 404
                && !"NoSuchBucket".equals(S3ErrorTranslator.errorCode(service));
    }

    @Override
    public CompletableFuture<Void> put(String key, ByteBuffer data) {
        long length = data.remaining();
        if (length > MAX_SINGLE_PUT) {
            return CompletableFuture.failedFuture(new StoreException(
                    Kind.CLIENT_ERROR,
                    "PUT",
                    key,
                    "PUT " + key + " of " + length + " bytes: objects are at most " + MAX_SINGLE_PUT + " bytes"));
        }
        // no copy: the caller keeps the buffer untouched until the future completes
        ByteBuffer body = data.duplicate();
        // never more granules than fit S3's 2 KB of metadata, whatever the configured granule
        int granule = Math.max(config.checksumGranule(), GranuleChecksums.granuleFor(length));
        Map<String, String> checksums = Map.of(
                GranuleChecksums.METADATA_KEY,
                GranuleChecksums.of(body, granule).format());
        if (!conditionalWrites) {
            return putIf(key, body, checksums, null).thenApply(outcome -> null);
        }
        ObjectVersions.Seen seen = versions.get(key);
        versions.writeStarts(key);
        return putResolvingConflicts(key, body, checksums, seen, 1);
    }

    /** A PUT's outcome: stored (with the version the store gave it, null if none), or refused by its condition. */
    private record PutOutcome(boolean stored, ObjectVersions.Seen version) {
        static final PutOutcome REFUSED = new PutOutcome(false, null);
    }

    /** PUTs on condition {@code seen}; when it fails, reads the version there now and PUTs on that. */
    private CompletableFuture<Void> putResolvingConflicts(
            String key, ByteBuffer body, Map<String, String> checksums, ObjectVersions.Seen seen, int attempt) {
        return putIf(key, body, checksums, seen)
                .handle((outcome, error) -> {
                    if (error != null) {
                        versions.written(key, null); // stored or not: unknown
                        return CompletableFuture.<Void>failedFuture(S3ErrorTranslator.unwrap(error));
                    }
                    if (outcome.stored()) {
                        versions.written(key, outcome.version());
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    conflicts.increment();
                    if (attempt >= MAX_CONFLICTS) {
                        versions.written(key, null);
                        return CompletableFuture.<Void>failedFuture(new StoreException(
                                Kind.CLIENT_ERROR,
                                "PUT",
                                key,
                                412,
                                "PUT " + key + " at " + config.describeEndpoint() + ": the object changed " + attempt
                                        + " times while this server wrote it: another writer is writing it; give each device"
                                        + " its own bucket and key",
                                null));
                    }
                    return versionNow(key).thenCompose(now -> {
                        LOG.warn(
                                "PUT {}: the object changed behind this server's back (it saw {}, the store has {}): a write "
                                        + "of another writer, such as a dead server's late PUT; this server's newer write replaces "
                                        + "it",
                                key,
                                describe(seen),
                                describe(now));
                        return putResolvingConflicts(key, body, checksums, now, attempt + 1);
                    });
                })
                .thenCompose(next -> next);
    }

    /**
     * One PUT on condition {@code seen} (null: none). A failed condition (412; 409, a conflicting write at the same
     * moment; or 404, {@code If-Match} of an object that is gone) is an outcome, not an error.
     */
    private CompletableFuture<PutOutcome> putIf(
            String key, ByteBuffer body, Map<String, String> checksums, ObjectVersions.Seen seen) {
        String ifMatch = seen instanceof ObjectVersions.Seen.Version v ? v.eTag() : null;
        String ifNoneMatch = seen instanceof ObjectVersions.Seen.Absent ? "*" : null;
        long length = body.remaining();
        return call(
                "PUT",
                key,
                uploads,
                length,
                () -> client.putObject(
                        request -> request.bucket(config.bucket())
                                .key(key)
                                .contentLength(length)
                                .checksumAlgorithm(ChecksumAlgorithm.CRC32_C)
                                .metadata(checksums)
                                .ifMatch(ifMatch)
                                .ifNoneMatch(ifNoneMatch),
                        AsyncRequestBody.fromRemainingByteBufferUnsafe(body.duplicate())),
                null,
                response -> new PutOutcome(true, ObjectVersions.version(response.eTag())),
                (error, k) -> seen != null && isConditionFailure(error) ? PutOutcome.REFUSED : null);
    }

    /** 412 PreconditionFailed, 409 ConditionalRequestConflict, or a 404 (the object an If-Match named is gone). */
    private static boolean isConditionFailure(Throwable error) {
        return S3ErrorTranslator.unwrap(error) instanceof AwsServiceException service
                && (service.statusCode() == 412 || service.statusCode() == 409 || isNotFound(error));
    }

    /** The object's version in the store now (HEAD): its ETag, or absent. */
    private CompletableFuture<ObjectVersions.Seen> versionNow(String key) {
        return headCall(
                key,
                response -> ObjectVersions.version(response.eTag()),
                (error, k) -> isNotFound(error) ? ObjectVersions.ABSENT : null);
    }

    /** A HEAD of {@code key}, its response mapped by {@code onResponse}. */
    private <T> CompletableFuture<T> headCall(
            String key, Function<HeadObjectResponse, T> onResponse, Recovery<T> recovery) {
        return call(
                "HEAD",
                key,
                () -> client.headObject(
                        request -> request.bucket(config.bucket()).key(key)),
                onResponse,
                recovery);
    }

    private static String describe(ObjectVersions.Seen seen) {
        return switch (seen) {
            case null -> "nothing";
            case ObjectVersions.Seen.Version v -> "ETag " + v.eTag();
            case ObjectVersions.Seen.Absent a -> "no object";
        };
    }

    /** PUTs whose condition failed so far: objects this store found written behind its back. */
    public long conflicts() {
        return conflicts.sum();
    }

    /**
     * Makes PUTs conditional on what this store saw of the object (the default), or not: for an endpoint that does
     * not honour the conditions ({@link #checkConditionalWrites}).
     */
    public void conditionalWrites(boolean on) {
        conditionalWrites = on;
    }

    /**
     * Whether the endpoint honours conditional writes: PUTs an empty object at {@code probeKey}, PUTs it again with
     * an {@code If-Match} it cannot have, and deletes it. Refused (412): honoured. Stored: ignored. Refused otherwise
     * (400, 501): not supported. Three requests; {@code probeKey} must be a key of nothing else.
     */
    public CompletableFuture<Boolean> checkConditionalWrites(String probeKey) {
        return probePut(probeKey, null)
                .thenCompose(stored -> probePut(probeKey, "\"ublk-s3-no-object-has-this-etag\""))
                .handle((stored, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(!stored);
                    }
                    if (S3ErrorTranslator.unwrap(error) instanceof StoreException e
                            && !e.retryable()
                            && e.kind() != Kind.ACCESS_DENIED
                            && e.kind() != Kind.NO_SUCH_BUCKET) {
                        return CompletableFuture.completedFuture(false);
                    }
                    return CompletableFuture.<Boolean>failedFuture(error);
                })
                .thenCompose(answer -> answer)
                .handle((honoured, error) -> delete(probeKey).handle((deleted, deleteError) -> {
                    Throwable failure = error != null ? error : deleteError;
                    if (failure != null) {
                        throw new CompletionException(S3ErrorTranslator.unwrap(failure));
                    }
                    return honoured;
                }))
                .thenCompose(answer -> answer);
    }

    /** An empty PUT; completes true when stored, false when its {@code ifMatch} failed. */
    private CompletableFuture<Boolean> probePut(String key, String ifMatch) {
        return call(
                "PUT",
                key,
                () -> client.putObject(
                        request -> request.bucket(config.bucket())
                                .key(key)
                                .contentLength(0L)
                                .ifMatch(ifMatch),
                        AsyncRequestBody.fromBytes(new byte[0])),
                response -> Boolean.TRUE,
                (error, k) -> ifMatch != null && isConditionFailure(error) ? Boolean.FALSE : null);
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
        versions.writeStarts(key);
        return this.<DeleteObjectResponse, Void>call(
                        "DELETE",
                        key,
                        () -> client.deleteObject(
                                request -> request.bucket(config.bucket()).key(key)),
                        response -> null,
                        null)
                .whenComplete((ignored, error) -> versions.written(key, error == null ? ObjectVersions.ABSENT : null));
    }

    @Override
    public CompletableFuture<Void> deleteObjects(List<String> keys) {
        if (keys.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        if (keys.size() > MAX_DELETE_KEYS) {
            return CompletableFuture.failedFuture(new StoreException(
                    Kind.CLIENT_ERROR,
                    "DELETE",
                    null,
                    "DeleteObjects takes at most " + MAX_DELETE_KEYS + " keys, got " + keys.size()));
        }
        List<ObjectIdentifier> ids = keys.stream()
                .map(k -> ObjectIdentifier.builder().key(k).build())
                .toList();
        Delete delete = Delete.builder().objects(ids).quiet(true).build();
        String first = keys.getFirst();
        keys.forEach(versions::writeStarts);
        return this.<DeleteObjectsResponse, Void>call(
                        "DELETE",
                        first,
                        () -> client.deleteObjects(request -> request.bucket(config.bucket())
                                .delete(delete)
                                .checksumAlgorithm(ChecksumAlgorithm.CRC32_C)),
                        response -> {
                            List<S3Error> failed = response.errors().stream()
                                    .filter(e -> !"NoSuchKey".equals(e.code()))
                                    .toList();
                            if (!failed.isEmpty()) {
                                throw perKeyFailure(failed, keys.size());
                            }
                            return null;
                        },
                        null)
                .whenComplete((ignored, error) ->
                        keys.forEach(k -> versions.written(k, error == null ? ObjectVersions.ABSENT : null)));
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
        return new StoreException(
                kind,
                "DELETE",
                firstError.key(),
                200,
                "DeleteObjects at " + config.describeEndpoint() + " failed for " + failed.size() + " of " + asked
                        + " keys: " + String.join(", ", shown) + (failed.size() > 3 ? ", ..." : ""),
                null);
    }

    @Override
    public CompletableFuture<ListPage> list(String prefix, String startAfter, String continuationToken, int maxKeys) {
        if (maxKeys < 1) {
            return CompletableFuture.failedFuture(new StoreException(
                    Kind.CLIENT_ERROR, "LIST", prefix, "maxKeys must be at least 1, got " + maxKeys));
        }
        ListObjectsV2Request.Builder request =
                ListObjectsV2Request.builder().bucket(config.bucket()).maxKeys(Math.min(maxKeys, 1000));
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
        long stamp = versions.stamp();
        return call(
                "LIST",
                prefix,
                () -> client.listObjectsV2(built),
                response -> {
                    List<ListedObject> objects = response.contents().stream()
                            .map(o -> new ListedObject(o.key(), o.size() == null ? -1 : o.size()))
                            .toList();
                    response.contents().forEach(o -> versions.read(o.key(), ObjectVersions.version(o.eTag()), stamp));
                    boolean truncated = Boolean.TRUE.equals(response.isTruncated());
                    String next = truncated ? response.nextContinuationToken() : null;
                    if (truncated && next == null) {
                        throw new StoreException(
                                Kind.SERVER_ERROR,
                                "LIST",
                                prefix,
                                200,
                                "LIST " + prefix + " at " + config.describeEndpoint()
                                        + " was truncated but gave no continuation token",
                                null);
                    }
                    return new ListPage(objects, next);
                },
                null);
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

    /** {@link #call(String, String, AdmissionLimit, long, Supplier, Consumer, Function, Recovery)} without a body. */
    private <R, T> CompletableFuture<T> call(
            String operation,
            String key,
            Supplier<CompletableFuture<R>> sdkCall,
            Function<R, T> onResponse,
            Recovery<T> recovery) {
        return call(operation, key, null, 0, sdkCall, null, onResponse, recovery);
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
    private <R, T> CompletableFuture<T> call(
            String operation,
            String key,
            AdmissionLimit bytes,
            long length,
            Supplier<CompletableFuture<R>> sdkCall,
            Consumer<Throwable> abandon,
            Function<R, T> onResponse,
            Recovery<T> recovery) {
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
     * Starts the SDK call and fails it TIMEOUT if it has not completed within {@link S3Config.Timeouts#request()}
     * (checked every {@link AttemptDeadlines#tickNanos() tick}, so up to a tick later): the CRT has no such deadline
     * of its own. The SDK future is then cancelled, which aborts the CRT request.
     */
    private <R> CompletableFuture<R> withDeadline(
            String operation, String key, Supplier<CompletableFuture<R>> sdkCall, Consumer<Throwable> abandon) {
        CompletableFuture<R> started = sdkCall.get();
        CompletableFuture<R> bounded = new CompletableFuture<>();
        AttemptDeadlines.Deadline deadline = deadlines.start(() -> {
            StoreException timeout = new StoreException(
                    Kind.TIMEOUT,
                    operation,
                    key,
                    0,
                    operation + (key == null ? "" : " " + key) + " at " + config.describeEndpoint()
                            + " timed out: no answer within "
                            + config.timeouts().request().toMillis() / 1000.0 + " s",
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
            case S3Credentials.DefaultChain d ->
                DefaultCredentialsProvider.builder().build();
            case S3Credentials.Profile p -> ProfileCredentialsProvider.create(p.name());
            case S3Credentials.Keys k ->
                StaticCredentialsProvider.create(
                        k.sessionToken() == null
                                ? AwsBasicCredentials.create(k.accessKeyId(), k.secretAccessKey())
                                : AwsSessionCredentials.create(k.accessKeyId(), k.secretAccessKey(), k.sessionToken()));
        };
    }
}
