package dev.ublks3.locals3;

import dev.ublks3.locals3.FaultPlan.Fault;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on the local S3 server's address, in front of it, that resets connections: what a BlobStore layer cannot
 * do, since S3Proxy's Jetty owns the sockets and only ever closes them cleanly. It forwards bytes both ways and
 *
 * <ul>
 *   <li>for a share {@code resetRate} of responses (a read from the server that starts with {@code HTTP/1.}),
 *       forwards part of that read and then closes the client's socket with SO_LINGER 0: the client gets a TCP RST
 *       in the middle of the response, as from a broken middlebox or a server crash;</li>
 *   <li>while the store is {@linkplain FaultInjectingBlobStore#down(boolean) down}, resets every new connection at
 *       once and every open one on its next request, so the client sees a dead endpoint rather than errors.</li>
 * </ul>
 * One thread accepts; each connection takes two virtual threads, one per direction.
 */
public final class FaultyTcpProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FaultyTcpProxy.class);
    private static final byte[] RESPONSE_START = "HTTP/1.".getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket listener;
    private final int upstreamPort;
    private final double resetRate;
    private final Random random;
    private final FaultInjectingBlobStore faults;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    /**
     * @param host         the IPv4 address to listen on
     * @param port         where to listen (0: any free port)
     * @param upstreamPort the server's port on 127.0.0.1
     * @param faults       where resets are counted and whether the store is down
     */
    public FaultyTcpProxy(
            String host, int port, int upstreamPort, double resetRate, long seed, FaultInjectingBlobStore faults) {
        if (!(resetRate >= 0 && resetRate <= 1)) {
            throw new IllegalArgumentException("reset rate " + resetRate + " is not a share: give 0 to 1");
        }
        this.upstreamPort = upstreamPort;
        this.resetRate = resetRate;
        this.random = new Random(seed ^ 0x5DEECE66DL);
        this.faults = faults;
        try {
            listener = new ServerSocket();
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(InetAddress.getByName(host), port), 512);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        acceptor = Thread.ofPlatform().daemon().name("faulty-proxy-" + port()).start(this::accept);
    }

    public int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("faulty proxy: accept failed: {}", e.getMessage());
                }
                continue;
            }
            if (faults.isDown()) {
                faults.countWhileDown();
                reset(client, null);
                continue;
            }
            Socket upstream;
            try {
                client.setTcpNoDelay(true);
                upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                upstream.setTcpNoDelay(true);
            } catch (IOException e) {
                LOG.warn("faulty proxy: cannot reach the server on port {}: {}", upstreamPort, e.getMessage());
                reset(client, null);
                continue;
            }
            open.add(client);
            open.add(upstream);
            Thread.ofVirtual().start(() -> pump(client, upstream, false));
            Thread.ofVirtual().start(() -> pump(upstream, client, true));
        }
    }

    /** Copies {@code from} to {@code to}; responses (server to client) may be cut by a reset. */
    private void pump(Socket from, Socket to, boolean responses) {
        Socket client = responses ? to : from;
        Socket upstream = responses ? from : to;
        byte[] buffer = new byte[64 << 10];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (!responses && faults.isDown()) {
                    faults.countWhileDown();
                    reset(client, upstream);
                    return;
                }
                if (responses && resetRate > 0 && startsResponse(buffer, n) && draw()) {
                    faults.count(Fault.RESET);
                    int part;
                    synchronized (random) {
                        part = random.nextInt(n);
                    }
                    out.write(buffer, 0, part);
                    out.flush();
                    reset(client, upstream);
                    return;
                }
                out.write(buffer, 0, n);
            }
            to.shutdownOutput(); // a clean end one way: pass it on
        } catch (IOException e) {
            // one side went away (or was reset): take the other down too
            close(client);
            close(upstream);
        }
    }

    private boolean draw() {
        synchronized (random) {
            return random.nextDouble() < resetRate;
        }
    }

    private static boolean startsResponse(byte[] buffer, int n) {
        if (n < RESPONSE_START.length) {
            return false;
        }
        for (int i = 0; i < RESPONSE_START.length; i++) {
            if (buffer[i] != RESPONSE_START[i]) {
                return false;
            }
        }
        return true;
    }

    /** Closes the client's socket with an RST (SO_LINGER 0) and the server's quietly. */
    private void reset(Socket client, Socket upstream) {
        try {
            client.setSoLinger(true, 0);
        } catch (IOException e) {
            // already closed
        }
        close(client);
        if (upstream != null) {
            close(upstream);
        }
    }

    private void close(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // nothing to do
        }
        for (Socket s : open) {
            close(s);
        }
        try {
            acceptor.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
