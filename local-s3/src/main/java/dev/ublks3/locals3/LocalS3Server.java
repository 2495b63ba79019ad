package dev.ublks3.locals3;

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
 * An S3-compatible endpoint on 127.0.0.1 (or another address of this machine), served in-process by S3Proxy: for {@code ublk-s3 add --local DIR} and for
 * tests against a real S3 server (HTTP, SigV4, XML errors) instead of a mock.
 *
 * <p>Objects live in a directory (S3Proxy's filesystem backend: one file per object under {@code DIR/bucket/key})
 * or in memory. The identity and credential are fixed ({@link #IDENTITY}/{@link #CREDENTIAL}). Chunked uploads of
 * up to 32 MiB objects are accepted in one chunk and unknown headers (e.g. checksum headers) are ignored.
 *
 * <p>With {@link ServerOptions} the server also counts the requests it receives ({@link RequestCountingBlobStore})
 * and emulates a distant link: latency per request, bandwidth per direction ({@link EmulatedLinkBlobStore}). Both
 * sit on the server side, so every client (ours, nbdkit's S3 plugin) is measured and slowed down alike. It can also
 * inject S3's failures ({@link FaultInjectingBlobStore}: 500, 503 SlowDown/ServiceUnavailable, stalls, cut GET
 * bodies; {@link FaultyTcpProxy} in front for TCP resets) and be switched {@linkplain #down(boolean) down} and up.
 */
public final class LocalS3Server implements AutoCloseable {

    public static final String IDENTITY = "local";
    public static final String CREDENTIAL = "local-secret";

    /** Above the largest object (32 MiB), so a CRT PUT's aws-chunked body is never refused. */
    private static final String JETTY_REFERENCES_PER_CACHE_LINE =
            "org.gaul.shaded.org.eclipse.jetty.util.referencesPerCacheLine";

    private static final int V4_MAX_CHUNK_SIZE = 64 << 20;

    public static final String LOOPBACK = "127.0.0.1";
    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    private static final Pattern VALID_BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    private final S3Proxy proxy;
    /** The storage itself, without the layers: what the server's own set-up (createBucket) uses. */
    private final BlobStore blobStore;
    /** Null unless {@link ServerOptions#countRequests()}. */
    private final RequestCountingBlobStore counter;
    /** Null unless {@link ServerOptions#faults()} is set. */
    private final FaultInjectingBlobStore faults;
    /** Null unless the fault plan resets connections: then clients connect to it, not to S3Proxy. */
    private final FaultyTcpProxy tcpProxy;

    private final URI endpoint;

    private LocalS3Server(
            String host,
            S3Proxy proxy,
            BlobStore blobStore,
            RequestCountingBlobStore counter,
            FaultInjectingBlobStore faults,
            FaultyTcpProxy tcpProxy) {
        this.proxy = proxy;
        this.blobStore = blobStore;
        this.counter = counter;
        this.faults = faults;
        this.tcpProxy = tcpProxy;
        this.endpoint = URI.create("http://" + host + ":" + (tcpProxy != null ? tcpProxy.port() : proxy.getPort()));
    }

    /**
     * Runs the slowest class initialisation of the server's start now, on the calling thread: Jetty's MIME tables
     * list every locale the JDK knows, a second under emulation, which another CPU can spend meanwhile.
     */
    public static void preload() {
        System.getProperties().putIfAbsent(JETTY_REFERENCES_PER_CACHE_LINE, "16");
        try {
            Class.forName(
                    "org.gaul.shaded.org.eclipse.jetty.http.MimeTypes", true, LocalS3Server.class.getClassLoader());
        } catch (Throwable e) {
            // start() fails with Jetty's own error
        }
    }

    /** Serves the buckets under {@code dir} (each bucket a subdirectory) on an ephemeral port. */
    public static LocalS3Server onDirectory(Path dir) {
        return onDirectory(dir, 0);
    }

    /** Serves the buckets under {@code dir} on {@code port} (0: any free port). */
    public static LocalS3Server onDirectory(Path dir, int port) {
        return onDirectory(dir, port, ServerOptions.NONE);
    }

    /** Serves the buckets under {@code dir} on {@code port} (0: any free port), counting or shaping as asked. */
    public static LocalS3Server onDirectory(Path dir, int port, ServerOptions options) {
        return onDirectory(dir, LOOPBACK, port, options);
    }

    /** As {@link #onDirectory(Path, int, ServerOptions)}, listening on {@code host}, an IPv4 address of this machine. */
    public static LocalS3Server onDirectory(Path dir, String host, int port, ServerOptions options) {
        Objects.requireNonNull(dir, "dir");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the local S3 directory " + dir + ": " + e.getMessage(), e);
        }
        return start(new FilesystemNio2BlobStore(dir.toAbsolutePath().toString()), host, port, options);
    }

    /** Keeps objects in memory, on an ephemeral port; everything is gone at {@link #close()}. */
    public static LocalS3Server inMemory() {
        return inMemory(0, ServerOptions.NONE);
    }

    /** Keeps objects in memory, on {@code port} (0: any free port), counting or shaping as asked. */
    public static LocalS3Server inMemory(int port, ServerOptions options) {
        return inMemory(LOOPBACK, port, options);
    }

    /** As {@link #inMemory(int, ServerOptions)}, listening on {@code host}, an IPv4 address of this machine. */
    public static LocalS3Server inMemory(String host, int port, ServerOptions options) {
        return start(new TransientNio2BlobStore(), host, port, options);
    }

    /**
     * The counter sees what clients send, so it is outermost; then the faults (an injected error answers at once),
     * then the emulated link, then the check of conditional writes, then the storage. With connection resets,
     * S3Proxy takes a free port and the TCP proxy
     * serves {@code port} in front of it.
     */
    private static LocalS3Server start(BlobStore blobStore, String host, int port, ServerOptions options) {
        Objects.requireNonNull(options, "options");
        if (!IPV4.matcher(host).matches()) {
            blobStore.close();
            throw new IllegalArgumentException(
                    "'" + host + "' is not an IPv4 address: give one of this machine's, such as 127.0.0.1");
        }
        BlobStore conditional = new ConditionalWritesBlobStore(blobStore);
        BlobStore served = options.emulatesLink()
                ? new EmulatedLinkBlobStore(conditional, options.latency(), options.bytesPerSecond())
                : conditional;
        FaultInjectingBlobStore faults =
                options.faults() != null ? new FaultInjectingBlobStore(served, options.faults()) : null;
        if (faults != null) {
            served = faults;
        }
        boolean resets = faults != null && options.faults().resets();
        RequestCountingBlobStore counter = options.countRequests() ? new RequestCountingBlobStore(served) : null;
        // Jetty sizes its queues' padding from UseCompressedOops, which it asks the platform MBean server for unless
        // told: registering every platform MBean (JFR's settings files parsed with them) cost a server's start 2 s
        // under emulation. Compressed (4-byte) references: 16 to a 64-byte cache line; only padding depends on it.
        System.getProperties().putIfAbsent(JETTY_REFERENCES_PER_CACHE_LINE, "16");
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(counter != null ? counter : served)
                .endpoint(URI.create("http://" + (resets ? LOOPBACK : host) + ":" + (resets ? 0 : port)))
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
            throw new IllegalStateException(
                    "cannot start the local S3 server on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        FaultyTcpProxy tcpProxy = null;
        if (resets) {
            try {
                tcpProxy = new FaultyTcpProxy(
                        host,
                        port,
                        proxy.getPort(),
                        options.faults().rate(FaultPlan.Fault.RESET),
                        options.faults().seed(),
                        faults);
            } catch (RuntimeException e) {
                try {
                    proxy.stop();
                } catch (Exception stop) {
                    e.addSuppressed(stop);
                }
                blobStore.close();
                throw new IllegalStateException(
                        "cannot start the local S3 server on " + host + ":" + port + ": " + e.getMessage(), e);
            }
        }
        return new LocalS3Server(host, proxy, blobStore, counter, faults, tcpProxy);
    }

    /** {@code http://HOST:PORT}: 127.0.0.1 unless another address was given. */
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

    /** The requests received so far; needs a server started with {@link ServerOptions#countRequests()}. */
    public ServerRequestCounts requestCounts() {
        return requireCounter().snapshot();
    }

    /** Zeroes the request counts (e.g. between the set-up and the measured part of a benchmark). */
    public void resetRequestCounts() {
        requireCounter().reset();
    }

    private RequestCountingBlobStore requireCounter() {
        if (counter == null) {
            throw new IllegalStateException("this local S3 server does not count requests: start it with "
                    + "ServerOptions.countRequests() true (ublk-s3 local-s3 --control SOCKET)");
        }
        return counter;
    }

    /** The faults injected so far; needs a server started with {@link ServerOptions#faults()}. */
    public FaultCounts faultCounts() {
        return requireFaults().snapshot();
    }

    /** Zeroes the fault counts. */
    public void resetFaultCounts() {
        requireFaults().reset();
    }

    /**
     * Switches the server down (every request fails with 503 ServiceUnavailable, and with connection resets on,
     * every connection is reset) or up again.
     */
    public void down(boolean down) {
        requireFaults().down(down);
    }

    private FaultInjectingBlobStore requireFaults() {
        if (faults == null) {
            throw new IllegalStateException("this local S3 server has no fault layer: start it with "
                    + "ServerOptions.faults() set (ublk-s3 local-s3 --control SOCKET or --faults)");
        }
        return faults;
    }

    @Override
    public void close() {
        if (tcpProxy != null) {
            tcpProxy.close();
        }
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot stop the local S3 server at " + endpoint + ": " + e.getMessage(), e);
        } finally {
            blobStore.close();
        }
    }
}
