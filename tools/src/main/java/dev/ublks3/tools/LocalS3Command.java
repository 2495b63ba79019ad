package dev.ublks3.tools;

import dev.ublks3.storage.local.LocalS3Server;
import dev.ublks3.storage.local.ServerOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ublk-s3 local-s3}: the embedded S3-compatible endpoint of {@code add --local} on its own, for other
 * clients of the same bucket (nbdkit's S3 plugin, the AWS CLI, a second ublk-s3). Serves until SIGTERM/SIGINT.
 * For side-by-side benchmarks it can emulate a distant link and report, over a control socket, the requests it
 * received: both on the server side, so every client is slowed down and counted alike.
 */
final class LocalS3Command {

    static final String HELP = """
            Usage: ublk-s3 local-s3 --dir DIR | --memory [--port PORT] [--bucket NAME]
                                    [--latency DURATION] [--bandwidth RATE] [--control SOCKET]

            Serves the buckets under DIR (one subfolder each), or in memory, as an S3-compatible endpoint on
            127.0.0.1:PORT (default 9000), path-style, access key 'local', secret 'local-secret'. Prints the
            endpoint URL once it answers; runs until SIGTERM or SIGINT.

              --dir DIR           where the objects live (as files); must exist
              --memory            keep the objects in memory instead (gone when the server stops)
              --port PORT         TCP port on 127.0.0.1; 0 picks a free one (default: 9000)
              --bucket NAME       create this bucket if missing
              --latency DURATION  wait this long before serving each request, such as 20ms, 0.5s or 500us
                                  (at most 60s; default: none)
              --bandwidth RATE    bytes per second in each direction (PUT bodies in, GET bodies out), shared
                                  by all requests; binary suffixes as for sizes: 1M = 1 MiB = 1048576 bytes/s
                                  (default: unlimited)
              --control SOCKET    count the requests received and serve the counts on this Unix socket, one
                                  command per connection: 'counts' answers one JSON line, then OK; 'reset'
                                  zeroes the counts, then OK. The JSON line:
                                  {"requests":{"GET":n,"PUT":n,"LIST":n,"DELETE":n,"DELETE_OBJECTS":n,
                                  "HEAD":n,"OTHER":n},"keysDeleted":n,"bytesIn":n,"bytesOut":n,
                                  "readModifyWrite":n,"getSizes":{"4096":n,...},"putSizes":{...},
                                  "getAlignment":{"object start":n,"4K":n,"512":n,"unaligned":n}}
            """;

    private static final ArgParser PARSER = new ArgParser("local-s3", List.of(
            ArgParser.Option.value("dir"),
            ArgParser.Option.flag("memory"),
            ArgParser.Option.value("port"),
            ArgParser.Option.value("bucket"),
            ArgParser.Option.value("latency"),
            ArgParser.Option.value("bandwidth"),
            ArgParser.Option.value("control")), Map.of());

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?|\\.\\d+)(us|ms|s)");
    private static final Duration MAX_LATENCY = Duration.ofSeconds(60);
    /** sun_path holds 108 bytes, the terminating NUL included. */
    private static final int MAX_SOCKET_PATH = 107;
    private static final int SOCKET_FILE_TYPE = 0140000;

    private LocalS3Command() {
    }

    /** A started endpoint and, with --control, its control socket. */
    record Serving(LocalS3Server server, ControlSocket.Server control) implements AutoCloseable {
        @Override
        public void close() {
            if (control != null) {
                control.close();
            }
            server.close();
        }
    }

    static int run(List<String> args, PrintStream out) throws InterruptedException {
        Serving serving = start(args);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            serving.close();
            stopped.countDown();
        }, "local-s3-shutdown"));
        out.println(serving.server().endpoint());
        out.flush();
        stopped.await();
        return 0;
    }

    /** Checks every option, then starts the server (and the control socket); nothing is left running on error. */
    static Serving start(List<String> args) {
        Map<String, String> o = PARSER.parse(args);
        ArgParser.requireOnlyOneOf(o, "local-s3", Set.of("dir", "memory"));
        if (!o.containsKey("dir") && !o.containsKey("memory")) {
            throw new UsageException("'local-s3' needs --dir DIR or --memory: give the folder that holds the buckets, "
                    + "or use --memory to keep the objects in memory");
        }
        Path dir = o.containsKey("dir") ? Path.of(o.get("dir")) : null;
        if (dir != null && (!Files.isDirectory(dir) || !Files.isWritable(dir))) {
            throw new UsageException("--dir " + dir + " is not a writable directory: create it (mkdir -p " + dir + ") or give another");
        }
        int port = o.containsKey("port") ? AddOptions.nonNegativeInt(o, "port") : 9000;
        if (port > 65535) {
            throw new UsageException("--port " + port + " is not a TCP port: give 0..65535");
        }
        Duration latency = o.containsKey("latency") ? latency(o.get("latency")) : Duration.ZERO;
        long bandwidth = o.containsKey("bandwidth") ? bandwidth(o.get("bandwidth")) : 0;
        Path control = o.containsKey("control") ? controlSocket(o.get("control")) : null;

        ServerOptions options = new ServerOptions(control != null, latency, bandwidth);
        LocalS3Server server = dir != null ? LocalS3Server.onDirectory(dir, port, options)
                : LocalS3Server.inMemory(port, options);
        try {
            if (o.containsKey("bucket")) {
                server.createBucket(o.get("bucket"));
            }
            return new Serving(server, control == null ? null
                    : new ControlSocket.Server(control, (command, lines) -> control(server, command, lines)));
        } catch (IllegalArgumentException e) {
            server.close();
            throw new UsageException(e.getMessage());
        } catch (UncheckedIOException e) {
            server.close();
            throw new UsageException("--control " + control + ": " + ControlSocket.oneLine(e)
                    + ": give a path in a writable folder");
        }
    }

    /** The control socket's commands: {@code counts} and {@code reset}. */
    private static void control(LocalS3Server server, String command, Consumer<String> lines) {
        switch (command) {
            case "counts" -> lines.accept(server.requestCounts().toJson());
            case "reset" -> server.resetRequestCounts();
            default -> throw new IllegalArgumentException("unknown command '" + command
                    + "' for local-s3: use counts or reset");
        }
    }

    /** "20ms", "0.5s", "500us", or "0". */
    static Duration latency(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = DURATION.matcher(t);
        if (!m.matches()) {
            throw new UsageException("--latency '" + text + "' is not a duration: give a number with a unit us, ms or s, such as 20ms or 0.5s");
        }
        long nanosPerUnit = switch (m.group(2)) {
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            default -> 1_000_000_000L;
        };
        BigDecimal nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(nanosPerUnit));
        if (nanos.compareTo(BigDecimal.valueOf(MAX_LATENCY.toNanos())) > 0) {
            throw new UsageException("--latency " + text + " is longer than 60s: give a per-request latency such as 20ms");
        }
        return Duration.ofNanos(nanos.longValue());
    }

    /** Bytes per second with the size suffixes of {@link Sizes} (binary), an optional "/s" allowed. */
    static long bandwidth(String text) {
        String t = text.trim();
        String size = t.endsWith("/s") ? t.substring(0, t.length() - 2) : t;
        long rate = Sizes.parse("--bandwidth", size);
        if (rate == 0) {
            throw new UsageException("--bandwidth " + text + " is no rate: give bytes per second above 0 such as 1M, or leave it out for no limit");
        }
        return rate;
    }

    /** A socket path the server may take: in an existing folder, and not a file or a live server's socket. */
    static Path controlSocket(String text) {
        Path path = Path.of(text).toAbsolutePath();
        Path folder = path.getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw new UsageException("--control " + text + ": folder " + folder + " does not exist: create it (mkdir -p " + folder + ") or give another path");
        }
        if (path.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            throw new UsageException("--control " + text + " is too long for a Unix socket (at most " + MAX_SOCKET_PATH + " bytes): give a shorter path");
        }
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            if (!isSocket(path)) {
                throw new UsageException("--control " + text + " exists and is not a socket: give a new path (it would be replaced)");
            }
            if (answers(path)) {
                throw new UsageException("--control " + text + " is served by another process: stop it or give another path");
            }
        }
        return path;
    }

    private static boolean isSocket(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & 0170000) == SOCKET_FILE_TYPE;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static boolean answers(Path socket) {
        try (SocketChannel ignored = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return true;
        } catch (IOException e) {
            return false; // a stale socket of a dead server: ControlSocket.Server replaces it
        }
    }
}
