package dev.ublks3.locals3;

import dev.ublks3.locals3.ServerRequestCounts.Kind;
import java.io.InputStream;
import java.util.List;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.BucketCannedACL;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.CreateBucketResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteBucketEncryptionRequest;
import software.amazon.awssdk.services.s3.model.DeleteBucketEncryptionResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetBucketAclRequest;
import software.amazon.awssdk.services.s3.model.GetBucketAclResponse;
import software.amazon.awssdk.services.s3.model.GetBucketEncryptionRequest;
import software.amazon.awssdk.services.s3.model.GetBucketEncryptionResponse;
import software.amazon.awssdk.services.s3.model.GetBucketVersioningRequest;
import software.amazon.awssdk.services.s3.model.GetBucketVersioningResponse;
import software.amazon.awssdk.services.s3.model.GetObjectAclRequest;
import software.amazon.awssdk.services.s3.model.GetObjectAclResponse;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.HeadBucketResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListBucketsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.PutBucketEncryptionRequest;
import software.amazon.awssdk.services.s3.model.PutBucketEncryptionResponse;
import software.amazon.awssdk.services.s3.model.PutBucketVersioningRequest;
import software.amazon.awssdk.services.s3.model.PutBucketVersioningResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * A BlobStore layer that sees each S3 request once. S3Proxy's front end calls one store method per request (the
 * interface's convenience defaults, such as {@code containerExists} or {@code removeBlob(bucket, key)}, reach the
 * store through exactly one of the overridden methods), so a layer hooks:
 * <ul>
 *   <li>GET and PUT of an object, which subclasses override themselves, as they act on the bodies;</li>
 *   <li>every other request, which passes through {@link #beforeRequest} here: LIST (v2 and v1), DELETE,
 *       DeleteObjects (overridden here, as the interface default would turn one into one {@code removeBlob} per
 *       key), HEAD, and everything else (bucket operations, ACLs, versioning, encryption, copies, multipart) as
 *       OTHER.</li>
 * </ul>
 * Capability queries ({@code supports...}, {@code getMinimumMultipartPartSize}) and the embedder-only
 * {@code clearContainer}/{@code deleteContainer} are not requests and pass through untouched.
 */
abstract class PerRequestBlobStore extends ForwardingBlobStore {

    PerRequestBlobStore(BlobStore delegate) {
        super(delegate);
    }

    /**
     * Runs before every request that is not a GET or a PUT of an object.
     *
     * @param kind   LIST, DELETE, DELETE_OBJECTS, HEAD, or OTHER for a request not on objects
     * @param bucket the bucket of a request on objects; null for OTHER
     * @param keys   the objects a DELETE, DeleteObjects or HEAD names; empty for LIST and OTHER
     */
    protected abstract void beforeRequest(Kind kind, String bucket, List<String> keys);

    private void beforeOther() {
        beforeRequest(Kind.OTHER, null, List.of());
    }

    @Override
    public ListObjectsV2Response list(ListObjectsV2Request request) {
        beforeRequest(Kind.LIST, request.bucket(), List.of());
        return delegate().list(request);
    }

    @Override
    public ListObjectsResponse listV1(ListObjectsRequest request) {
        beforeRequest(Kind.LIST, request.bucket(), List.of());
        return delegate().listV1(request);
    }

    @Override
    public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
        beforeRequest(Kind.DELETE, request.bucket(), List.of(request.key()));
        return delegate().removeBlob(request);
    }

    @Override
    public DeleteObjectsResponse removeBlobs(DeleteObjectsRequest request) {
        List<String> keys =
                request.delete().objects().stream().map(ObjectIdentifier::key).toList();
        beforeRequest(Kind.DELETE_OBJECTS, request.bucket(), keys);
        return delegate().removeBlobs(request); // once: the delegate deletes the keys itself
    }

    @Override
    public HeadObjectResponse blobMetadata(HeadObjectRequest request) {
        beforeRequest(Kind.HEAD, request.bucket(), List.of(request.key()));
        return delegate().blobMetadata(request);
    }

    @Override
    public HeadObjectResponse blobMetadataIfPresent(HeadObjectRequest request) {
        beforeRequest(Kind.HEAD, request.bucket(), List.of(request.key()));
        return delegate().blobMetadataIfPresent(request);
    }

    @Override
    public boolean blobExists(String container, String key) {
        beforeRequest(Kind.HEAD, container, List.of(key));
        return delegate().blobExists(container, key);
    }

    /**
     * S3Proxy's own look at an object, not a client's request: before it stores a conditional PUT (to check the
     * condition) and in its multipart bookkeeping. Passes through uncounted, undelayed and without faults.
     */
    @Override
    public HeadObjectResponse blobMetadataIfPresent(String container, String key) {
        return delegate().blobMetadataIfPresent(container, key);
    }

    @Override
    public ListBucketsResponse list() {
        beforeOther();
        return super.list();
    }

    @Override
    public HeadBucketResponse headBucket(HeadBucketRequest request) {
        beforeOther();
        return super.headBucket(request);
    }

    @Override
    public CreateBucketResponse createContainer(CreateBucketRequest request) {
        beforeOther();
        return super.createContainer(request);
    }

    @Override
    public BucketCannedACL getContainerAccess(String container) {
        beforeOther();
        return super.getContainerAccess(container);
    }

    @Override
    public GetBucketAclResponse getContainerAcl(GetBucketAclRequest request) {
        beforeOther();
        return super.getContainerAcl(request);
    }

    @Override
    public void setContainerAccess(String container, BucketCannedACL access) {
        beforeOther();
        super.setContainerAccess(container, access);
    }

    @Override
    public void deleteBucket(String container) {
        beforeOther();
        super.deleteBucket(container);
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
        beforeOther();
        return super.copyBlob(request);
    }

    @Override
    public GetBucketVersioningResponse getBucketVersioning(GetBucketVersioningRequest request) {
        beforeOther();
        return super.getBucketVersioning(request);
    }

    @Override
    public PutBucketVersioningResponse putBucketVersioning(PutBucketVersioningRequest request) {
        beforeOther();
        return super.putBucketVersioning(request);
    }

    @Override
    public ListObjectVersionsResponse listVersions(ListObjectVersionsRequest request) {
        beforeOther();
        return super.listVersions(request);
    }

    @Override
    public GetBucketEncryptionResponse getBucketEncryption(GetBucketEncryptionRequest request) {
        beforeOther();
        return super.getBucketEncryption(request);
    }

    @Override
    public PutBucketEncryptionResponse putBucketEncryption(PutBucketEncryptionRequest request) {
        beforeOther();
        return super.putBucketEncryption(request);
    }

    @Override
    public DeleteBucketEncryptionResponse deleteBucketEncryption(DeleteBucketEncryptionRequest request) {
        beforeOther();
        return super.deleteBucketEncryption(request);
    }

    @Override
    public ObjectCannedACL getBlobAccess(String container, String key) {
        beforeOther();
        return super.getBlobAccess(container, key);
    }

    @Override
    public ObjectCannedACL getBlobAccess(String container, String key, String versionId) {
        beforeOther();
        return super.getBlobAccess(container, key, versionId);
    }

    @Override
    public GetObjectAclResponse getBlobAcl(GetObjectAclRequest request) {
        beforeOther();
        return super.getBlobAcl(request);
    }

    @Override
    public void setBlobAccess(String container, String key, ObjectCannedACL access) {
        beforeOther();
        super.setBlobAccess(container, key, access);
    }

    @Override
    public void setBlobAccess(String container, String key, ObjectCannedACL access, String versionId) {
        beforeOther();
        super.setBlobAccess(container, key, access, versionId);
    }

    @Override
    public MultipartUpload initiateMultipartUpload(CreateMultipartUploadRequest request) {
        beforeOther();
        return super.initiateMultipartUpload(request);
    }

    @Override
    public void abortMultipartUpload(MultipartUpload upload) {
        beforeOther();
        super.abortMultipartUpload(upload);
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(
            MultipartUpload upload, CompleteMultipartUploadRequest request) {
        beforeOther();
        return super.completeMultipartUpload(upload, request);
    }

    @Override
    public UploadPartResponse uploadMultipartPart(MultipartUpload upload, UploadPartRequest request, InputStream body) {
        beforeOther();
        return super.uploadMultipartPart(upload, request, body);
    }

    @Override
    public List<Part> listMultipartUpload(MultipartUpload upload) {
        beforeOther();
        return super.listMultipartUpload(upload);
    }

    @Override
    public List<software.amazon.awssdk.services.s3.model.MultipartUpload> listMultipartUploads(String container) {
        beforeOther();
        return super.listMultipartUploads(container);
    }
}
