package dev.ublks3.tools;

import dev.ublks3.locals3.FaultPlan;
import dev.ublks3.locals3.LocalS3Server;
import dev.ublks3.locals3.ServerOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * {@code ublk-s3 local-s3}: the embedded S3-compatible endpoint of {@code add --local} on its own, for other
 * clients of the same bucket (nbdkit's S3 plugin, the AWS CLI, a second ublk-s3). Serves until SIGTERM/SIGINT.
 * For side-by-side benchmarks it can emulate a distant link and report, over a control socket, the requests it
 * received: both on the server side, so every client is slowed down and counted alike.
 */
final class LocalS3Command {

    static final String HELP = """
            Usage: ublk-s3 local-s3 --dir DIR | --memory [--address ADDR] [--port PORT] [--bucket NAME]
                                    [--latency DURATION] [--bandwidth RATE] [--control SOCKET|tcp:PORT]
                                    [--faults KIND=RATE,... | --fault-rate RATE] [--fault-seed N] [--stall DURATION]

            Serves the buckets under DIR (one subfolder each), or in memory, as an S3-compatible endpoint on
            ADDR:PORT (default 127.0.0.1:9000), path-style, access key 'local', secret 'local-secret'. Prints the
            endpoint URL once it answers; runs until SIGTERM or SIGINT.

              --dir DIR           where the objects live (as files); must exist
              --memory            keep the objects in memory instead (gone when the server stops)
              --address ADDR      the IPv4 address of this machine to listen on (default: 127.0.0.1); anyone
                                  who reaches it may use the bucket: a benchmark's private network, such
                                  as a network namespace's tap device, not a shared one
              --port PORT         TCP port on ADDR; 0 picks a free one (default: 9000)
              --bucket NAME       create this bucket if missing
              --latency DURATION  wait this long before serving each request, such as 20ms, 0.5s or 500us
                                  (at most 60s; default: none)
              --bandwidth RATE    bytes per second in each direction (PUT bodies in, GET bodies out), shared
                                  by all requests; binary suffixes as for sizes: 1M = 1 MiB = 1048576 bytes/s
                                  (default: unlimited)
              --control SOCKET    count the requests received and serve the counts on this Unix socket (or
                                  tcp:PORT: on ADDR:PORT, for a client in a VM; tools/bin/control ADDR:PORT),
                                  one command per connection: 'counts' answers one JSON line, then OK; 'reset'
                                  zeroes the counts, then OK. The JSON line:
                                  {"requests":{"GET":n,"PUT":n,"LIST":n,"DELETE":n,"DELETE_OBJECTS":n,
                                  "HEAD":n,"OTHER":n},"keysDeleted":n,"bytesIn":n,"bytesOut":n,
                                  "readModifyWrite":n,"getSizes":{"4096":n,...},"putSizes":{...},
                                  "getAlignment":{"object start":n,"4K":n,"512":n,"unaligned":n}}
                                  'faults' answers the faults injected as one JSON line, then OK:
                                  {"down":false,"injected":{"500":n,"slowdown":n,"503":n,"stall":n,
                                  "truncate":n,"reset":n,"expired":n,"refresh":n,"skew":n,"baddigest":n},
                                  "total":n,"whileDown":n}; 'reset' zeroes these too;
                                  'down' fails every request from now on (503 ServiceUnavailable; with reset
                                  faults on, every connection is reset), 'up' serves again
              --faults KIND=RATE,...  inject faults into this share of requests (0 to 1 each, at most 1 in all),
                                  KIND one of: 500 (InternalError), slowdown (503 SlowDown), 503
                                  (ServiceUnavailable), stall (wait --stall, then fail), truncate (a GET body
                                  cut short), reset (TCP reset mid-response, through a proxy on PORT),
                                  expired (400 ExpiredToken), refresh (400 TokenRefreshRequired), skew
                                  (403 RequestTimeTooSkewed), baddigest (a PUT's body refused: 400 BadDigest),
                                  such as 500=0.03,503=0.03,stall=0.01,truncate=0.02,reset=0.01
              --fault-rate RATE   inject faults into this share of requests, as a mix of all kinds (mostly
                                  errors, 5% of them stalls), such as 0.1
              --fault-seed N      seed of the fault draws (default: 1)
              --stall DURATION    how long a stalled request waits before it fails, such as 30s; longer than
                                  the client's timeouts (ublk-s3's: 20 s without a byte; default: 60s)
            """;

    private static final ArgParser PARSER = new ArgParser(
            "local-s3",
            List.of(
                    ArgParser.Option.value("dir"),
                    ArgParser.Option.flag("memory"),
                    ArgParser.Option.value("address"),
                    ArgParser.Option.value("port"),
                    ArgParser.Option.value("bucket"),
                    ArgParser.Option.value("latency"),
                    ArgParser.Option.value("bandwidth"),
                    ArgParser.Option.value("control"),
                    ArgParser.Option.value("faults"),
                    ArgParser.Option.value("fault-rate"),
                    ArgParser.Option.value("fault-seed"),
                    ArgParser.Option.value("stall")),
            Map.of());

    private static final Duration MAX_LATENCY = Duration.ofSeconds(60);
    private static final Duration MAX_STALL = Duration.ofSeconds(600);
    /** sun_path holds 108 bytes, the terminating NUL included. */
    private static final int MAX_SOCKET_PATH = 107;

    private static final int SOCKET_FILE_TYPE = 0140000;

    private LocalS3Command() {}

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
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            serving.close();
                            stopped.countDown();
                        },
                        "local-s3-shutdown"));
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
            throw new UsageException(
                    "--dir " + dir + " is not a writable directory: create it (mkdir -p " + dir + ") or give another");
        }
        int port = o.containsKey("port") ? AddOptions.nonNegativeInt(o, "port") : 9000;
        if (port > 65535) {
            throw new UsageException("--port " + port + " is not a TCP port: give 0..65535");
        }
        Duration latency = o.containsKey("latency") ? latency(o.get("latency")) : Duration.ZERO;
        long bandwidth = o.containsKey("bandwidth") ? bandwidth(o.get("bandwidth")) : 0;
        FaultPlan faults = faults(o);
        String address = o.getOrDefault("address", LocalS3Server.LOOPBACK).trim();
        String controlText = o.get("control");
        Integer controlPort = controlText != null && controlText.startsWith("tcp:") ? controlPort(controlText) : null;
        Path control = controlText != null && controlPort == null ? controlSocket(controlText) : null;
        boolean controlled = controlText != null;

        // with a control socket there is always a fault layer (maybe injecting nothing): 'down' and 'up' need it
        ServerOptions options = new ServerOptions(
                controlled, latency, bandwidth, faults == null && controlled ? FaultPlan.NONE : faults);
        LocalS3Server server;
        try {
            server = dir != null
                    ? LocalS3Server.onDirectory(dir, address, port, options)
                    : LocalS3Server.inMemory(address, port, options);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--address " + e.getMessage());
        } catch (IllegalStateException e) {
            throw new UsageException(ControlSocket.oneLine(e) + ": give a free port, and an address of this machine");
        }
        try {
            if (o.containsKey("bucket")) {
                server.createBucket(o.get("bucket"));
            }
            if (!controlled) {
                return new Serving(server, null);
            }
            SocketAddress at = control != null
                    ? UnixDomainSocketAddress.of(control)
                    : new InetSocketAddress(InetAddress.getByName(address), controlPort);
            return new Serving(
                    server, new ControlSocket.Server(at, (command, lines) -> control(server, command, lines)));
        } catch (IllegalArgumentException e) {
            server.close();
            throw new UsageException(e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            server.close();
            throw new UsageException("--control " + controlText + ": " + ControlSocket.oneLine(e)
                    + (control != null ? ": give a path in a writable folder" : ": give a free port"));
        }
    }

    /** The control socket's commands: {@code counts}, {@code reset}, {@code faults}, {@code down}, {@code up}. */
    private static void control(LocalS3Server server, String command, Consumer<String> lines) {
        switch (command) {
            case "counts" -> lines.accept(server.requestCounts().toJson());
            case "reset" -> {
                server.resetRequestCounts();
                server.resetFaultCounts();
            }
            case "faults" -> lines.accept(server.faultCounts().toJson());
            case "down" -> server.down(true);
            case "up" -> server.down(false);
            default ->
                throw new IllegalArgumentException(
                        "unknown command '" + command + "' for local-s3: use counts, reset, faults, down or up");
        }
    }

    /** The fault plan of --faults or --fault-rate, with --fault-seed and --stall; null when neither is given. */
    static FaultPlan faults(Map<String, String> o) {
        ArgParser.requireOnlyOneOf(o, "local-s3", Set.of("faults", "fault-rate"));
        boolean any = o.containsKey("faults") || o.containsKey("fault-rate");
        for (String needsFaults : List.of("fault-seed", "stall")) {
            if (o.containsKey(needsFaults) && !any) {
                throw new UsageException("--" + needsFaults + " has no faults to act on: add --faults KIND=RATE,... "
                        + "or --fault-rate RATE");
            }
        }
        if (!any) {
            return null;
        }
        long seed = 1;
        if (o.containsKey("fault-seed")) {
            try {
                seed = Long.parseLong(o.get("fault-seed").trim());
            } catch (NumberFormatException e) {
                throw new UsageException(
                        "--fault-seed '" + o.get("fault-seed") + "' is not a whole number: give one such as 42");
            }
        }
        Duration stall =
                o.containsKey("stall") ? duration("--stall", o.get("stall"), MAX_STALL) : FaultPlan.DEFAULT_STALL;
        if (stall.isZero()) {
            throw new UsageException(
                    "--stall 0 is no stall: give a duration longer than the client's timeouts, such as 30s");
        }
        try {
            if (o.containsKey("faults")) {
                return FaultPlan.parse(o.get("faults"), seed, stall);
            }
            double rate;
            try {
                rate = Double.parseDouble(o.get("fault-rate").trim());
            } catch (NumberFormatException e) {
                throw new UsageException(
                        "--fault-rate '" + o.get("fault-rate") + "' is not a number: give a share 0 to 1, such as 0.1");
            }
            return FaultPlan.mix(rate, seed, stall);
        } catch (IllegalArgumentException e) {
            throw new UsageException(
                    "--" + (o.containsKey("faults") ? "faults" : "fault-rate") + ": " + e.getMessage());
        }
    }

    /** "20ms", "0.5s", "500us", or "0". */
    static Duration latency(String text) {
        return duration("--latency", text, MAX_LATENCY);
    }

    /** "20ms", "0.5s", "500us", or "0", at most {@code max} ({@link Durations}). */
    static Duration duration(String option, String text, Duration max) {
        return Durations.parse(option, text, max);
    }

    /** Bytes per second with the size suffixes of {@link Sizes} (binary), an optional "/s" allowed. */
    static long bandwidth(String text) {
        String t = text.trim();
        String size = t.endsWith("/s") ? t.substring(0, t.length() - 2) : t;
        long rate = Sizes.parse("--bandwidth", size);
        if (rate == 0) {
            throw new UsageException("--bandwidth " + text
                    + " is no rate: give bytes per second above 0 such as 1M, or leave it out for no limit");
        }
        return rate;
    }

    /** The port of {@code tcp:PORT}. */
    static int controlPort(String text) {
        String p = text.substring("tcp:".length()).trim();
        try {
            int port = Integer.parseInt(p);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new UsageException(
                "--control " + text + ": '" + p + "' is not a TCP port: give tcp:1..65535, or a socket path");
    }

    /** A socket path the server may take: in an existing folder, and not a file or a live server's socket. */
    static Path controlSocket(String text) {
        Path path = Path.of(text).toAbsolutePath();
        Path folder = path.getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw new UsageException("--control " + text + ": folder " + folder
                    + " does not exist: create it (mkdir -p " + folder + ") or give another path");
        }
        if (path.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            throw new UsageException("--control " + text + " is too long for a Unix socket (at most " + MAX_SOCKET_PATH
                    + " bytes): give a shorter path");
        }
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            if (!isSocket(path)) {
                throw new UsageException(
                        "--control " + text + " exists and is not a socket: give a new path (it would be replaced)");
            }
            if (answers(path)) {
                throw new UsageException(
                        "--control " + text + " is served by another process: stop it or give another path");
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
