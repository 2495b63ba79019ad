package dev.ublks3.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.storage.s3.S3ObjectStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code ublk-s3 local-s3}'s link emulation and control socket, and its bad-input answers. */
class LocalS3CommandTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "local-s3 --port 0                                   | 'local-s3' needs --dir DIR or --memory",
                "local-s3 --dir TMP --memory                         | options --dir and --memory of 'local-s3' exclude each other",
                "local-s3 --memory=yes                               | option --memory of 'local-s3' takes no value",
                "local-s3 --memory --latency 20                      | --latency '20' is not a duration: give a number with a unit",
                "local-s3 --memory --latency -5ms                    | --latency '-5ms' is not a duration",
                "local-s3 --memory --latency 2d                      | --latency '2d' is not a duration",
                "local-s3 --memory --latency 2m                      | --latency 2m is longer than 1m",
                "local-s3 --memory --latency 61s                     | --latency 61s is longer than 1m",
                "local-s3 --memory --bandwidth 0                     | --bandwidth 0 is no rate: give bytes per second above 0",
                "local-s3 --memory --bandwidth -1M                   | --bandwidth '-1M' is not a size",
                "local-s3 --memory --bandwidth fast                  | --bandwidth 'fast' is not a size",
                "local-s3 --memory --control TMP/nope/ctl.sock       | folder TMP/nope does not exist: create it",
                "local-s3 --memory --control TMP/file                | --control TMP/file exists and is not a socket",
                "local-s3 --memory --bucket B                        | bucket name 'B' is not valid for S3",
                "local-s3 --memory --faults 404=0.1                  | --faults: fault '404=0.1' is not KIND=RATE with KIND one of 500, slowdown, 503, stall, truncate, reset, expired, refresh, skew, baddigest",
                "local-s3 --memory --faults 500=2                    | --faults: fault rate 500=2.0 is not a share: give 0 to 1",
                "local-s3 --memory --faults 500=0.7,503=0.7          | --faults: fault rates add up to 1.4, more than 1: lower them",
                "local-s3 --memory --faults 500=x                    | --faults: fault rate '500=x' is not a number",
                "local-s3 --memory --faults 500=0.1,500=0.1          | --faults: fault 500 is given twice",
                "local-s3 --memory --fault-rate lots                 | --fault-rate 'lots' is not a number: give a share 0 to 1",
                "local-s3 --memory --fault-rate 1.5                  | --fault-rate: fault rate 1.5 is not a share: give 0 to 1",
                "local-s3 --memory --fault-rate 0.1 --faults 500=0.1 | options --fault-rate and --faults of 'local-s3' exclude each other",
                "local-s3 --memory --fault-seed 3                    | --fault-seed has no faults to act on: add --faults",
                "local-s3 --memory --stall 5s                        | --stall has no faults to act on",
                "local-s3 --memory --fault-rate 0.1 --fault-seed x   | --fault-seed 'x' is not a whole number",
                "local-s3 --memory --fault-rate 0.1 --stall 5        | --stall '5' is not a duration",
                "local-s3 --memory --fault-rate 0.1 --stall 0        | --stall 0 is no stall",
                "local-s3 --memory --fault-rate 0.1 --stall 601s     | --stall 601s is longer than 10m",
                "local-s3 --memory --address 198.18.0               | --address '198.18.0' is not an IPv4 address: give one of this machine's",
                "local-s3 --memory --address localhost              | --address 'localhost' is not an IPv4 address",
                "local-s3 --memory --port 0 --address 192.0.2.1     | cannot start the local S3 server on 192.0.2.1:0: ",
                "local-s3 --memory --control tcp:x                  | --control tcp:x: 'x' is not a TCP port: give tcp:1..65535, or a socket path",
                "local-s3 --memory --control tcp:70000              | --control tcp:70000: '70000' is not a TCP port",
            })
    void badInputIsOneLineNamingTheFix(String line, String expected) throws IOException {
        Files.writeString(tmp.resolve("file"), "keep me");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = UblkS3.run(
                Arrays.asList(line.replace("TMP", tmp.toString()).split(" +")),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                new RunDirectory(tmp.resolve("run")));
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(UsageException.EXIT_USAGE, code, e);
        assertTrue(e.startsWith("ublk-s3: "), e);
        assertTrue(e.contains(expected.replace("TMP", tmp.toString())), e);
        assertEquals(1, e.lines().count(), e);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        assertEquals("keep me", Files.readString(tmp.resolve("file")), "a file given as --control is left alone");
    }

    @Test
    void latencyAndBandwidthSpellings() {
        assertEquals(Duration.ofMillis(20), LocalS3Command.latency("20ms"));
        assertEquals(Duration.ofMillis(500), LocalS3Command.latency("0.5s"));
        assertEquals(Duration.ofNanos(250_000), LocalS3Command.latency("250us"));
        assertEquals(Duration.ZERO, LocalS3Command.latency("0"));
        assertEquals(1 << 20, LocalS3Command.bandwidth("1M"));
        assertEquals(1 << 20, LocalS3Command.bandwidth("1M/s"));
        assertEquals(1_000_000, LocalS3Command.bandwidth("1000000"));
    }

    @Test
    void theControlSocketServesCountsAndReset() throws IOException {
        Path socket = tmp.resolve("ctl.sock");
        try (LocalS3Command.Serving serving =
                startBench("--latency", "1ms", "--bandwidth", "64M", "--control", socket.toString())) {
            assertEquals(zeroCounts(), call(socket, "counts"), "creating --bucket is not counted");
            try (S3ObjectStore store = S3ObjectStore.open(LocalS3Config.of(serving.server(), "bench"))) {
                store.put("disk/0000000000000000", ByteBuffer.allocate(4096)).join();
            }
            assertEquals(
                    zeroCounts()
                            .replace("\"PUT\":0", "\"PUT\":1")
                            .replace("\"bytesIn\":0", "\"bytesIn\":4096")
                            .replace("\"putSizes\":{}", "\"putSizes\":{\"4096\":1}"),
                    call(socket, "counts"));

            assertNull(ControlSocket.call(socket, "reset", line -> {}));
            assertEquals(zeroCounts(), call(socket, "counts"));
            assertEquals(
                    "unknown command 'frobnicate' for local-s3: use counts, reset, faults, down or up",
                    ControlSocket.call(socket, "frobnicate", line -> {}));
        }
        assertTrue(!Files.exists(socket), "the socket is removed at close");
    }

    @Test
    void anotherAddressAndATcpControlPort() throws IOException {
        int controlPort;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
            controlPort = free.getLocalPort();
        }
        try (LocalS3Command.Serving serving = startBench("--address", "127.0.0.2", "--control", "tcp:" + controlPort)) {
            assertEquals("127.0.0.2", serving.server().endpoint().getHost());
            try (S3ObjectStore store = S3ObjectStore.open(LocalS3Config.of(serving.server(), "bench"))) {
                store.put("disk/0000000000000000", ByteBuffer.allocate(4096)).join();
            }
            InetSocketAddress control = new InetSocketAddress("127.0.0.2", controlPort);
            List<String> lines = new ArrayList<>();
            assertNull(ControlSocket.call(control, "counts", lines::add));
            assertTrue(lines.getFirst().contains("\"PUT\":1"), lines.toString());
            assertNull(ControlSocket.call(control, "reset", line -> {}));
            lines.clear();
            assertNull(ControlSocket.call(control, "counts", lines::add));
            assertEquals(zeroCounts(), lines.getFirst());
        }
        try (ServerSocket again = new ServerSocket(controlPort, 1, InetAddress.getByName("127.0.0.2"))) {
            assertEquals(controlPort, again.getLocalPort(), "the control port is closed with the server");
        }
    }

    @Test
    void theControlSocketServesFaultsAndSwitchesTheServerDownAndUp() throws IOException {
        Path socket = tmp.resolve("ctl.sock");
        try (LocalS3Command.Serving serving = startBench(
                        "--faults", "500=1", "--fault-seed", "7", "--stall", "30s", "--control", socket.toString());
                S3ObjectStore store = S3ObjectStore.open(LocalS3Config.of(serving.server(), "bench"))) {
            assertTrue(
                    store.put("disk/0000000000000000", ByteBuffer.allocate(4096))
                            .handle((v, e) -> e != null)
                            .join(),
                    "every request fails");
            String faults = call(socket, "faults");
            assertTrue(faults.startsWith("{\"down\":false,\"injected\":{\"500\":2,"), faults);
            assertNull(ControlSocket.call(socket, "down", line -> {}));
            assertTrue(call(socket, "faults").startsWith("{\"down\":true,"));
            assertTrue(store.get("disk/0000000000000000", 0, ByteBuffer.allocate(4096))
                    .handle((v, e) -> e != null)
                    .join());
            assertTrue(call(socket, "faults").endsWith("\"whileDown\":2}"), call(socket, "faults"));
            assertNull(ControlSocket.call(socket, "up", line -> {}));
            assertNull(ControlSocket.call(socket, "reset", line -> {}));
            assertEquals(
                    "{\"down\":false,\"injected\":{\"500\":0,\"slowdown\":0,\"503\":0,\"stall\":0,"
                            + "\"truncate\":0,\"reset\":0,\"expired\":0,\"refresh\":0,\"skew\":0,\"baddigest\":0},"
                            + "\"total\":0,\"whileDown\":0}",
                    call(socket, "faults"));
        }
    }

    @Test
    void withoutFaultsTheControlSocketStillSwitchesDownAndUp() throws IOException {
        Path socket = tmp.resolve("ctl.sock");
        try (LocalS3Command.Serving serving = startBench("--control", socket.toString());
                S3ObjectStore store = S3ObjectStore.open(LocalS3Config.of(serving.server(), "bench"))) {
            assertNull(ControlSocket.call(socket, "down", line -> {}));
            assertTrue(store.put("disk/0000000000000000", ByteBuffer.allocate(4096))
                    .handle((v, e) -> e != null)
                    .join());
            assertNull(ControlSocket.call(socket, "up", line -> {}));
            store.put("disk/0000000000000000", ByteBuffer.allocate(4096)).join();
            assertTrue(call(socket, "faults").contains("\"total\":0"));
        }
    }

    /** local-s3 in memory on a free port, with the bucket "bench" and {@code options}. */
    private static LocalS3Command.Serving startBench(String... options) {
        List<String> args = new ArrayList<>(List.of("--memory", "--port", "0", "--bucket", "bench"));
        args.addAll(List.of(options));
        return LocalS3Command.start(args);
    }

    /** The one line the control socket answers {@code command} with. */
    private static String call(Path socket, String command) throws IOException {
        List<String> lines = new ArrayList<>();
        assertNull(ControlSocket.call(socket, command, lines::add));
        assertEquals(1, lines.size(), lines.toString());
        return lines.getFirst();
    }

    private static String zeroCounts() {
        return "{\"requests\":{\"GET\":0,\"PUT\":0,\"LIST\":0,\"DELETE\":0,\"DELETE_OBJECTS\":0,\"HEAD\":0,"
                + "\"OTHER\":0},\"keysDeleted\":0,\"bytesIn\":0,\"bytesOut\":0,\"readModifyWrite\":0,"
                + "\"getSizes\":{},\"putSizes\":{},\"getAlignment\":{\"object start\":0,\"4K\":0,\"512\":0,"
                + "\"unaligned\":0}}";
    }
}
