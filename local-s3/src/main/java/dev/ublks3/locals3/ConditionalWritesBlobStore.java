package dev.ublks3.locals3;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.DeletedObject;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Error;

/**
 * S3's conditional writes, checked as one step with the write: S3Proxy's front end checks a PUT's conditions
 * against the object's metadata before it stores it, but not atomically with the store (two PUTs conditional on
 * the same ETag can both pass), and its stores refuse a conditional DELETE as not implemented. A PUT with
 * {@code If-None-Match: *} succeeds only if the object is absent, a PUT or DELETE with {@code If-Match: ETAG} (and
 * a DeleteObjects key with its ETag) only if the object exists with that ETag; otherwise 412 PreconditionFailed and
 * nothing changes, as AWS S3, MinIO, R2 and GCS do. Writes of one key are serialized here, so the check and the
 * write are one step; an unconditional write looks at nothing first.
 */
final class ConditionalWritesBlobStore extends ForwardingBlobStore {

    private final Object[] locks = new Object[256];

    ConditionalWritesBlobStore(BlobStore delegate) {
        super(delegate);
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream body) {
        synchronized (lock(request.bucket(), request.key())) {
            if (request.ifMatch() != null || request.ifNoneMatch() != null) {
                HeadObjectResponse current = current(request.bucket(), request.key());
                if ("*".equals(request.ifNoneMatch()) && current != null) {
                    throw preconditionFailed("PUT", request.key(), "If-None-Match: *", current);
                }
                if (request.ifMatch() != null && !matches(request.ifMatch(), current)) {
                    throw preconditionFailed("PUT", request.key(), "If-Match: " + request.ifMatch(), current);
                }
            }
            return delegate()
                    .putBlob(request.toBuilder().ifMatch(null).ifNoneMatch(null).build(), body);
        }
    }

    @Override
    public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
        synchronized (lock(request.bucket(), request.key())) {
            if (request.ifMatch() != null) {
                HeadObjectResponse current = current(request.bucket(), request.key());
                if (!matches(request.ifMatch(), current)) {
                    throw preconditionFailed("DELETE", request.key(), "If-Match: " + request.ifMatch(), current);
                }
            }
            return delegate().removeBlob(request.toBuilder().ifMatch(null).build());
        }
    }

    @Override
    public DeleteObjectsResponse removeBlobs(DeleteObjectsRequest request) {
        List<ObjectIdentifier> objects = request.delete().objects();
        if (objects.stream().allMatch(o -> o.eTag() == null)) {
            return delegate().removeBlobs(request);
        }
        List<DeletedObject> deleted = new ArrayList<>();
        List<S3Error> errors = new ArrayList<>();
        for (ObjectIdentifier object : objects) {
            synchronized (lock(request.bucket(), object.key())) {
                HeadObjectResponse current = current(request.bucket(), object.key());
                if (object.eTag() != null && !matches(object.eTag(), current)) {
                    errors.add(S3Error.builder()
                            .key(object.key())
                            .code("PreconditionFailed")
                            .message("At least one of the pre-conditions you specified did not hold")
                            .build());
                    continue;
                }
                delegate()
                        .removeBlob(DeleteObjectRequest.builder()
                                .bucket(request.bucket())
                                .key(object.key())
                                .build());
                deleted.add(DeletedObject.builder().key(object.key()).build());
            }
        }
        return DeleteObjectsResponse.builder().deleted(deleted).errors(errors).build();
    }

    private Object lock(String bucket, String key) {
        return locks[Math.floorMod(31 * bucket.hashCode() + key.hashCode(), locks.length)];
    }

    private HeadObjectResponse current(String bucket, String key) {
        return delegate()
                .blobMetadataIfPresent(
                        HeadObjectRequest.builder().bucket(bucket).key(key).build());
    }

    /** An ETag condition holds: the object exists with that ETag (quotes aside), or the condition is {@code *}. */
    private static boolean matches(String condition, HeadObjectResponse current) {
        return current != null && ("*".equals(condition) || unquoted(condition).equals(unquoted(current.eTag())));
    }

    private static String unquoted(String etag) {
        return etag == null ? "" : etag.replace("\"", "");
    }

    private static RuntimeException preconditionFailed(
            String operation, String key, String condition, HeadObjectResponse current) {
        return FaultInjectingBlobStore.error(
                412,
                "PreconditionFailed",
                operation + " " + key + " with " + condition + ": the object "
                        + (current == null ? "does not exist" : "has ETag " + current.eTag()));
    }
}
