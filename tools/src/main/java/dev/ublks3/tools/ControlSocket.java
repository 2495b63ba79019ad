package dev.ublks3.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The line protocol between {@code ublk-s3 del|stats} and the serving process, over a Unix socket in the run
 * directory (or, for {@code local-s3 --control tcp:PORT} on a benchmark's private network, a TCP port). The client sends one command line; the server answers with any number of progress or data lines,
 * then {@code OK} or {@code ERROR <one line>}.
 */
final class ControlSocket {

    static final String OK = "OK";
    static final String ERROR = "ERROR ";

    private ControlSocket() {}

    /** Handles one command; writes lines to {@code out}. A thrown exception's message becomes the ERROR line. */
    interface Handler {
        void handle(String command, Consumer<String> out) throws Exception;
    }

    /**
     * Accepts connections on a daemon thread and serves each on a thread of its own: a long command ({@code sync},
     * or {@code del} while it drains the cache) does not hold up {@code stats} or another {@code del}.
     */
    static final class Server implements AutoCloseable {
        /** The socket file; null on TCP. */
        private final Path path;

        private final ServerSocketChannel channel;
        private final Thread thread;
        private final Set<Thread> serving = ConcurrentHashMap.newKeySet();
        private final AtomicInteger connections = new AtomicInteger();

        Server(Path path, Handler handler) {
            this(UnixDomainSocketAddress.of(path), handler);
        }

        /** On a Unix socket address, or a TCP one ({@link InetSocketAddress}). */
        Server(SocketAddress address, Handler handler) {
            this.path = address instanceof UnixDomainSocketAddress unix ? unix.getPath() : null;
            try {
                if (path != null) {
                    Files.deleteIfExists(path); // a stale socket of a dead server
                }
                channel = ServerSocketChannel.open(
                        path != null ? StandardProtocolFamily.UNIX : StandardProtocolFamily.INET);
                channel.bind(address);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot listen on " + (path != null ? path : address) + ": " + e.getMessage(), e);
            }
            thread = Thread.ofPlatform().daemon().name("ublk-s3-control").start(() -> accept(handler));
        }

        private void accept(Handler handler) {
            while (channel.isOpen()) {
                SocketChannel client;
                try {
                    client = channel.accept();
                } catch (IOException e) {
                    if (!channel.isOpen()) {
                        return;
                    }
                    continue;
                }
                Thread t = Thread.ofPlatform()
                        .daemon()
                        .name("ublk-s3-control-" + connections.incrementAndGet())
                        .unstarted(() -> {
                            try {
                                serve(client, handler);
                            } finally {
                                serving.remove(Thread.currentThread());
                            }
                        });
                serving.add(t);
                t.start();
            }
        }

        private static void serve(SocketChannel channel, Handler handler) {
            try (SocketChannel client = channel) {
                BufferedReader in = new BufferedReader(
                        new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(Channels.newOutputStream(client), true, StandardCharsets.UTF_8);
                String command = in.readLine();
                if (command == null) {
                    return;
                }
                try {
                    handler.handle(command.trim(), line -> {
                        out.println(line);
                        if (out.checkError()) { // the client went away: a long command need not go on for it
                            throw new UncheckedIOException(new IOException("the client closed the connection"));
                        }
                    });
                    out.println(OK);
                } catch (Exception e) {
                    out.println(ERROR + oneLine(e));
                }
            } catch (IOException e) {
                // the client went away before its command was read: nothing to answer
            }
        }

        /**
         * Waits up to {@code millis} until the accepting thread has ended (once the socket is closed) and every
         * connection has had its answer.
         */
        void awaitIdle(long millis) throws InterruptedException {
            long deadline = System.nanoTime() + millis * 1_000_000;
            thread.join(millis);
            for (Thread t : List.copyOf(serving)) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return;
                }
                if (t != Thread.currentThread()) {
                    t.join(left);
                }
            }
        }

        @Override
        public void close() {
            try {
                channel.close();
                if (path != null) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException ignored) {
                // best effort: the socket file is removed again by the next server or by retire()
            }
        }

        /** Where it listens: the socket file's address, or the TCP address with the port taken. */
        SocketAddress address() {
            try {
                return channel.getLocalAddress();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Sends {@code command} and passes every answer line but the last to {@code lines}.
     *
     * @return null on OK, else the error text
     * @throws IOException when nobody listens on the socket
     */
    static String call(Path socket, String command, Consumer<String> lines) throws IOException {
        return call(UnixDomainSocketAddress.of(socket), command, lines);
    }

    /** As {@link #call(Path, String, Consumer)}, on a Unix or TCP address. */
    static String call(SocketAddress address, String command, Consumer<String> lines) throws IOException {
        try (SocketChannel ch = SocketChannel.open(address)) {
            PrintWriter out = new PrintWriter(Channels.newOutputStream(ch), true, StandardCharsets.UTF_8);
            out.println(command);
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                if (line.equals(OK)) {
                    return null;
                }
                if (line.startsWith(ERROR)) {
                    return line.substring(ERROR.length());
                }
                lines.accept(line);
            }
            return "the serving process closed the connection without an answer: see its log";
        }
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
