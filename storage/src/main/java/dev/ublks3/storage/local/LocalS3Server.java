package dev.ublks3.storage.local;

import dev.ublks3.storage.s3.S3Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * An S3-compatible endpoint on 127.0.0.1, served in-process by S3Proxy: for {@code ublk-s3 add --local DIR} and for
 * tests against a real S3 server (HTTP, SigV4, XML errors) instead of a mock.
 *
 * <p>Objects live in a directory (S3Proxy's filesystem backend: one file per object under {@code DIR/bucket/key})
 * or in memory. The identity and credential are fixed ({@link #IDENTITY}/{@link #CREDENTIAL}). Chunked uploads of
 * up to 32 MiB objects are accepted in one chunk and unknown headers (e.g. checksum headers) are ignored.
 */
public final class LocalS3Server implements AutoCloseable {

    public static final String IDENTITY = "local";
    public static final String CREDENTIAL = "local-secret";

    /** Above the largest object (32 MiB), so a CRT PUT's aws-chunked body is never refused. */
    private static final int V4_MAX_CHUNK_SIZE = 64 << 20;

    private static final Pattern VALID_BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    private final S3Proxy proxy;
    private final BlobStore blobStore;
    private final URI endpoint;

    private LocalS3Server(S3Proxy proxy, BlobStore blobStore) {
        this.proxy = proxy;
        this.blobStore = blobStore;
        this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** Serves the buckets under {@code dir} (each bucket a subdirectory) on an ephemeral port. */
    public static LocalS3Server onDirectory(Path dir) {
        return onDirectory(dir, 0);
    }

    /** Serves the buckets under {@code dir} on {@code port} (0: any free port). */
    public static LocalS3Server onDirectory(Path dir, int port) {
        Objects.requireNonNull(dir, "dir");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the local S3 directory " + dir + ": " + e.getMessage(), e);
        }
        return start(new FilesystemNio2BlobStore(dir.toAbsolutePath().toString()), port);
    }

    /** Keeps objects in memory, on an ephemeral port; everything is gone at {@link #close()}. */
    public static LocalS3Server inMemory() {
        return start(new TransientNio2BlobStore(), 0);
    }

    private static LocalS3Server start(BlobStore blobStore, int port) {
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, IDENTITY, CREDENTIAL)
                .v4MaxChunkSize(V4_MAX_CHUNK_SIZE)
                .ignoreUnknownHeaders(true)
                .metricsEnabled(false)
                .build();
        try {
            proxy.start();
            // start() returns once Jetty is started; wait for the connector state to settle anyway
            while (!"STARTED".equals(proxy.getState())) {
                Thread.onSpinWait();
            }
        } catch (Exception e) {
            blobStore.close();
            throw new IllegalStateException("cannot start the local S3 server on 127.0.0.1:" + port + ": "
                    + e.getMessage(), e);
        }
        return new LocalS3Server(proxy, blobStore);
    }

    /** {@code http://127.0.0.1:PORT}. */
    public URI endpoint() {
        return endpoint;
    }

    public int port() {
        return endpoint.getPort();
    }

    /** Creates the bucket; an existing one is kept with its objects. */
    public void createBucket(String name) {
        if (!VALID_BUCKET.matcher(name).matches()) {
            throw new IllegalArgumentException("bucket name '" + name + "' is not valid for S3: 3 to 63 lower-case "
                    + "letters, digits, dots and hyphens, starting and ending with a letter or digit");
        }
        if (!blobStore.containerExists(name)) {
            blobStore.createContainer(name);
        }
    }

    /** Client settings for {@code bucket} on this server: path-style, the fixed keys. */
    public S3Config clientConfig(String bucket) {
        return S3Config.compatible(bucket, endpoint, IDENTITY, CREDENTIAL);
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the local S3 server at " + endpoint + ": " + e.getMessage(),
                    e);
        } finally {
            blobStore.close();
        }
    }
}
