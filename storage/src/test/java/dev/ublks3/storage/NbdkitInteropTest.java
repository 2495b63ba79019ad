package dev.ublks3.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ublks3.locals3.LocalS3Server;
import dev.ublks3.storage.s3.S3Config;
import dev.ublks3.storage.s3.S3ObjectStore;
import dev.ublks3.storage.testing.LocalS3Fixture;
import dev.ublks3.storage.testing.StoreListing;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Byte and key compatibility with nbdkit's S3 plugin, both ways, on one bucket of a real S3 server (the shared
 * S3Proxy on 127.0.0.1, over HTTP). Debian's nbdkit 1.32 runs its S3 plugin (nbdkit-plugin-python, boto3) on a unix
 * socket and is driven by a small libnbd client ({@code nbd-ops.py} under Debian's /usr/bin/python3); the object map
 * reads and writes the same bucket through the CRT client ({@link S3ObjectStore}).
 *
 * <p>One list of requests - whole objects, partial objects (read-modify-write, also of a missing object), a write
 * across object boundaries, one at the end of the device, an all-zero object, trims and zeros that start and end
 * mid-object, a trim from block 0 - is applied through one side and checked through the other: every byte of the
 * device, and the exact list of keys in the bucket against a model of that side's layout rules. Objects of two
 * neighbouring keys ({@code KEY-other/...} sorting before {@code KEY/}, {@code KEY0/...} after it) must survive.
 *
 * <p>Object sizes 4K and 64K only: Debian 12's nbdkit 1.32 refuses anything above 64K (the plugin reports
 * object-size as its minimum block size and 1.32 stops with "plugin must set minimum block size between 1 and 64K";
 * upstream 1.37.6+ advertises a minimum of 1). A key with a slash ({@code vm/disk0}) shows that both sides use the
 * key exactly as given.
 *
 * <p>The tools are Debian packages that tools/bin/test installs; when one is missing the test fails naming them: a
 * skipped interop test would hide a regression.
 */
class NbdkitInteropTest {

    private static final String PACKAGES = "nbdkit nbdkit-plugin-python python3-boto3 libnbd-bin python3-libnbd";
    /** Debian's Python: python3-libnbd installs the nbd module there; another python3 may come first on PATH. */
    private static final String PYTHON = "/usr/bin/python3";

    private static final int OBJECTS = 32;
    private static final long PROCESS_TIMEOUT_SECONDS = 30;

    record Case(int objectSize, String key) {
        @Override
        public String toString() {
            return (objectSize >> 10) + "K objects, key " + key;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(new Case(4096, "disk0"), new Case(64 << 10, "disk0"), new Case(4096, "vm/disk0"));
    }

    /** One request, applied the same way through nbdkit (a line of nbd-ops.py) or through the object map. */
    sealed interface Op {
        String line();
    }

    /** Writes {@code length} bytes of the pattern from {@code src} at {@code offset}. */
    record Write(long offset, int length, int src) implements Op {
        public String line() {
            return "write " + offset + " " + length + " " + src;
        }
    }

    record Trim(long offset, long length) implements Op {
        public String line() {
            return "trim " + offset + " " + length;
        }
    }

    /**
     * Write-zeroes. Through nbdkit it is sent with NO_HOLE unless {@code mayTrim}: nbdkit 1.32's S3 plugin turns a
     * zero that may trim into a trim and leaves the partial ends unzeroed (fixed upstream in 1.37.6), so a may-trim
     * zero is only sent aligned here.
     */
    record Zero(long offset, long length, boolean mayTrim) implements Op {
        public String line() {
            return (mayTrim ? "zero-may-trim " : "zero ") + offset + " " + length;
        }
    }

    private Path dir;
    private S3Config config;
    private byte[] pattern;

    @BeforeAll
    static void toolsArePresent() {
        requireTool(List.of("nbdkit", "--dump-plugin", "S3"), "nbdkit's S3 plugin");
        requireTool(List.of(PYTHON, "-c", "import nbd"), "libnbd's Python module (" + PYTHON + " -c 'import nbd')");
    }

    private static void requireTool(List<String> command, String what) {
        String problem;
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                problem = "'" + String.join(" ", command) + "' did not finish";
            } else if (p.exitValue() == 0) {
                return;
            } else {
                String text = new String(output, StandardCharsets.UTF_8).strip();
                problem = "'" + String.join(" ", command) + "' exited with " + p.exitValue()
                        + (text.isEmpty()
                                ? ""
                                : ": " + text.lines().reduce((a, b) -> b).orElse(""));
            }
        } catch (IOException e) {
            problem = e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted";
        }
        fail(what + " is missing (" + problem + "): install the Debian packages " + PACKAGES
                + " (tools/bin/test installs them)");
    }

    /**
     * A fresh bucket with the neighbours' objects, a directory for the socket and files, the requests and their
     * pattern; returns the model of the device after the requests, by the rules of the side that applies them.
     */
    private Model prepare(Case c, String hint, boolean zeroStoresPartialEnds) throws IOException {
        config = LocalS3Fixture.config(LocalS3Fixture.newBucket(hint));
        dir = Files.createTempDirectory(localTempRoot(), "ublks3-nbdkit-");
        try (S3ObjectStore store = S3ObjectStore.open(config)) {
            for (String neighbour : neighbours(c)) {
                store.put(neighbour, ByteBuffer.wrap(new byte[c.objectSize()])).join();
            }
        }
        Model model = new Model(c.objectSize(), requests(c.objectSize()), zeroStoresPartialEnds);
        for (Op op : model.ops) {
            model.apply(op, pattern);
        }
        return model;
    }

    /**
     * Unix sockets need a local file system (not a 9p mount like the VM harness's root): a tmpfs if there is one,
     * and a short path (sun_path holds 108 bytes).
     */
    private static Path localTempRoot() {
        for (String candidate : new String[] {System.getenv("XDG_RUNTIME_DIR"), "/dev/shm", "/tmp"}) {
            if (candidate != null && Files.isDirectory(Path.of(candidate)) && Files.isWritable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    @AfterEach
    void removeDirectory() throws IOException {
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static List<String> neighbours(Case c) {
        return List.of(c.key() + "-other/0000000000000000", c.key() + "0/0000000000000001");
    }

    /** The requests, with the pattern they write from ({@link #pattern}; its last object's worth is all zeros). */
    private List<Op> requests(int os) throws IOException {
        long end = (long) OBJECTS * os;
        List<Op> ops = new ArrayList<>();
        int[] src = {0};
        BiFunction<Long, Integer, Write> write = (offset, length) -> {
            Write w = new Write(offset, length, src[0]);
            src[0] += length;
            return w;
        };
        ops.add(write.apply(0L, 4 * os)); // whole objects 0..3
        ops.add(write.apply(2L * os + 7, 1000)); // inside object 2: read-modify-write
        ops.add(write.apply(5L * os + 100, 300)); // inside missing object 5: RMW creates it
        ops.add(write.apply(7L * os - 512, 2 * os + 1024)); // end of 6, whole 7 and 8, start of 9
        ops.add(write.apply(10L * os, 8 * os)); // whole objects 10..17
        ops.add(write.apply(3L * os + 1, os - 2)); // all of object 3 but its first and last byte
        ops.add(write.apply(end - 10, 10)); // the last 10 bytes of the device
        ops.add(new Trim(11L * os, 2L * os)); // deletes 11, 12
        ops.add(new Trim(14L * os + 1, 2L * os)); // deletes 15 only: 14 and 16 are partial
        ops.add(new Zero(2L * os + os / 2, 2L * os, false)); // 2nd half of 2, 3 deleted, 1st half of missing 4
        ops.add(new Zero(8L * os + 10, 20, false)); // inside object 8
        ops.add(new Zero(17L * os, os, true)); // aligned zero that may trim: deletes 17
        ops.add(new Zero(20L * os + 10, 20, false)); // inside missing object 20
        ops.add(new Trim(0, os + 5L)); // from block 0: deletes 0 only
        Write zeros = new Write(22L * os, os, src[0]); // an all-zero object: stored as written
        ops.add(zeros);
        pattern = new byte[src[0] + os];
        new Random(os).nextBytes(pattern);
        Arrays.fill(pattern, src[0], pattern.length, (byte) 0);
        Files.write(dir.resolve("pattern.bin"), pattern);
        return ops;
    }

    /** The requests, and what the device holds and which objects exist after them, by one side's layout rules. */
    private static final class Model {
        final int objectSize;
        final List<Op> ops;
        final byte[] image;
        final TreeSet<Long> objects = new TreeSet<>();
        /** nbdkit writes zeros into a partial end of a zero even if the object is missing; the object map does not. */
        final boolean zeroStoresPartialEnds;

        Model(int objectSize, List<Op> ops, boolean zeroStoresPartialEnds) {
            this.objectSize = objectSize;
            this.ops = ops;
            this.image = new byte[OBJECTS * objectSize];
            this.zeroStoresPartialEnds = zeroStoresPartialEnds;
        }

        void apply(Op op, byte[] pattern) {
            switch (op) {
                case Write w -> {
                    System.arraycopy(pattern, w.src(), image, (int) w.offset(), w.length());
                    for (long n = w.offset() / objectSize; n <= (w.offset() + w.length() - 1) / objectSize; n++) {
                        objects.add(n);
                    }
                }
                case Trim t ->
                    forEachObject(t.offset(), t.length(), (n, whole) -> {
                        if (whole) {
                            delete(n);
                        }
                    });
                case Zero z -> {
                    if (z.mayTrim() && (z.offset() % objectSize != 0 || z.length() % objectSize != 0)) {
                        throw new IllegalArgumentException("nbdkit 1.32 leaves the partial ends of a may-trim zero: "
                                + "send it aligned or with NO_HOLE");
                    }
                    Arrays.fill(image, (int) z.offset(), (int) (z.offset() + z.length()), (byte) 0);
                    forEachObject(z.offset(), z.length(), (n, whole) -> {
                        if (whole) {
                            delete(n);
                        } else if (zeroStoresPartialEnds) {
                            objects.add(n);
                        }
                    });
                }
            }
        }

        private void delete(long n) {
            objects.remove(n);
            Arrays.fill(image, (int) (n * objectSize), (int) ((n + 1) * objectSize), (byte) 0);
        }

        private interface ObjectVisitor {
            void visit(long n, boolean whole);
        }

        private void forEachObject(long offset, long length, ObjectVisitor visitor) {
            for (long n = offset / objectSize; n <= (offset + length - 1) / objectSize; n++) {
                long start = n * objectSize;
                visitor.visit(n, offset <= start && start + objectSize <= offset + length);
            }
        }

        List<String> keys(String key, List<String> neighbours) {
            List<String> keys = new ArrayList<>(neighbours);
            for (long n : objects) {
                keys.add(key + "/" + "%016x".formatted(n));
            }
            keys.sort(Comparator.naturalOrder()); // ASCII keys: UTF-16 order is S3's UTF-8 binary order
            return keys;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void writtenThroughNbdkitReadThroughTheObjectMap(Case c) throws Exception {
        Model model = prepare(c, "nbdkit-writes", true);
        int os = c.objectSize();
        List<String> lines = new ArrayList<>();
        for (Op op : model.ops) {
            lines.add(op.line());
        }
        lines.add("flush");
        try (Nbdkit nbdkit = Nbdkit.start(dir, config, c, (long) OBJECTS * os)) {
            nbdkit.run(lines, dir.resolve("unused.out"));
        }

        try (ObjectMap map = new ObjectMap(S3ObjectStore.open(config), c.key(), (long) OBJECTS * os, os)) {
            assertEquals(
                    model.keys(c.key(), neighbours(c)), StoreListing.allKeys(map.store()), "keys written by nbdkit");
            assertSameBytes(model.image, 0, read(map, 0, model.image.length), os, "the device read by the object map");
            for (long[] range :
                    new long[][] {{os - 3, 2L * os + 7}, {5L * os + 50, 400}, {model.image.length - 100, 100}}) {
                byte[] part = read(map, range[0], (int) range[1]);
                assertSameBytes(model.image, range[0], part, os, "an unaligned read by the object map at " + range[0]);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void writtenThroughTheObjectMapReadThroughNbdkit(Case c) throws Exception {
        Model model = prepare(c, "map-writes", false);
        int os = c.objectSize();
        try (ObjectMap map = new ObjectMap(S3ObjectStore.open(config), c.key(), (long) OBJECTS * os, os)) {
            for (Op op : model.ops) {
                switch (op) {
                    case Write w ->
                        map.write(w.offset(), ByteBuffer.wrap(pattern, w.src(), w.length()), false)
                                .join();
                    case Trim t -> map.trim(t.offset(), t.length()).join();
                    case Zero z -> map.zero(z.offset(), z.length()).join();
                }
            }
            map.flush().join();
            assertEquals(
                    model.keys(c.key(), neighbours(c)),
                    StoreListing.allKeys(map.store()),
                    "keys written by the object map");
        }

        Path out = dir.resolve("device.out");
        try (Nbdkit nbdkit = Nbdkit.start(dir, config, c, (long) OBJECTS * os)) {
            nbdkit.run(List.of("read-all " + os), out);
        }
        assertSameBytes(model.image, 0, Files.readAllBytes(out), os, "the device read through nbdkit");
    }

    private static byte[] read(ObjectMap map, long offset, int length) {
        ByteBuffer into = ByteBuffer.allocate(length);
        Arrays.fill(into.array(), (byte) 0x55); // holes must be zeroed, not left as they were
        map.read(offset, into).join();
        assertEquals(length, into.position());
        return into.array();
    }

    /** {@code actual} must equal {@code expected} from {@code offset}; names the first differing byte's object. */
    private static void assertSameBytes(byte[] expected, long offset, byte[] actual, int os, String what) {
        int mismatch = Arrays.mismatch(expected, (int) offset, (int) offset + actual.length, actual, 0, actual.length);
        if (mismatch >= 0) {
            long at = offset + mismatch;
            fail(what + ": first difference at byte " + at + " (object " + at / os + ", byte " + at % os
                    + " in it): expected " + expected[(int) at] + ", got " + actual[mismatch]);
        }
    }

    /** nbdkit's S3 plugin on a unix socket, for one bucket and key; stopped (and waited for) by close. */
    private static final class Nbdkit implements AutoCloseable {
        private final Process process;
        private final Path dir;
        private final Path socket;
        private final Path log;

        private Nbdkit(Process process, Path dir, Path socket, Path log) {
            this.process = process;
            this.dir = dir;
            this.socket = socket;
            this.log = log;
        }

        static Nbdkit start(Path dir, S3Config config, Case c, long size) throws IOException, InterruptedException {
            Path socket = dir.resolve("nbdkit.sock");
            Path log = dir.resolve("nbdkit.log");
            ProcessBuilder builder = new ProcessBuilder(
                            "nbdkit",
                            "--unix",
                            socket.toString(),
                            "--foreground",
                            "--exit-with-parent",
                            "S3",
                            "size=" + size,
                            "bucket=" + config.bucket(),
                            "key=" + c.key(),
                            "object-size=" + c.objectSize(),
                            "endpoint-url=" + config.endpoint())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            // boto3 takes the keys from the environment; nothing from the user's own AWS settings
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(name -> name.startsWith("AWS_"));
            env.put("AWS_ACCESS_KEY_ID", LocalS3Server.IDENTITY);
            env.put("AWS_SECRET_ACCESS_KEY", LocalS3Server.CREDENTIAL);
            env.put("AWS_DEFAULT_REGION", "us-east-1");
            env.put("AWS_CONFIG_FILE", dir.resolve("no-aws-config").toString());
            env.put(
                    "AWS_SHARED_CREDENTIALS_FILE",
                    dir.resolve("no-aws-credentials").toString());
            Nbdkit nbdkit = new Nbdkit(builder.start(), dir, socket, log);
            try {
                nbdkit.awaitAccepting();
                return nbdkit;
            } catch (Throwable t) {
                nbdkit.close();
                throw t;
            }
        }

        /** Polls until a connection to the socket succeeds (nbdkit listens once the plugin has loaded). */
        private void awaitAccepting() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PROCESS_TIMEOUT_SECONDS);
            while (true) {
                if (!process.isAlive()) {
                    fail("nbdkit exited with " + process.exitValue() + " before accepting on " + socket + ": "
                            + logText());
                }
                if (Files.exists(socket)) {
                    try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                        return;
                    } catch (IOException notYet) {
                        // bound but not listening yet
                    }
                }
                if (System.nanoTime() > deadline) {
                    fail("nbdkit did not accept on " + socket + " within " + PROCESS_TIMEOUT_SECONDS + " s: "
                            + logText());
                }
                Thread.sleep(10);
            }
        }

        /** Runs nbd-ops.py with these request lines against this nbdkit; fails with both logs if it fails. */
        void run(List<String> lines, Path out) throws IOException, InterruptedException {
            Path script = dir.resolve("nbd-ops.py");
            if (!Files.exists(script)) {
                try (InputStream in = NbdkitInteropTest.class.getResourceAsStream("nbd-ops.py")) {
                    if (in == null) {
                        throw new IllegalStateException("nbd-ops.py is not on the test class path");
                    }
                    Files.copy(in, script);
                }
            }
            Path ops = Files.write(dir.resolve("ops.txt"), lines);
            Path patternFile = dir.resolve("pattern.bin");
            Path clientLog = dir.resolve("nbd-ops.log");
            Process client = new ProcessBuilder(
                            PYTHON, script.toString(), socket.toString(), patternFile.toString(), out.toString())
                    .redirectInput(ops.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(clientLog.toFile())
                    .start();
            try {
                if (!client.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    fail("nbd-ops.py did not finish within " + PROCESS_TIMEOUT_SECONDS + " s; nbdkit: " + logText());
                }
            } finally {
                client.destroyForcibly();
            }
            if (client.exitValue() != 0) {
                fail("nbd-ops.py exited with " + client.exitValue() + ": "
                        + Files.readString(clientLog).strip() + "\nnbdkit: " + logText());
            }
        }

        private String logText() {
            try {
                return Files.readString(log).strip();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
