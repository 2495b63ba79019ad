package dev.ublks3.tools;

import dev.ublks3.storage.StorageStack;
import dev.ublks3.storage.layer.RetryPolicy;
import dev.ublks3.storage.s3.S3ObjectStore;
import dev.ublks3.uring.IoUring;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The training runs from which {@code tools/bin/aot-cache} makes the command's AOT caches (JEP 483/514): they do
 * what the commands do on their way up, so that their classes come loaded and linked from the cache instead of
 * being read from the jars, parsed and verified at every start. {@code client}: every command's start-up and
 * refusal paths; {@code server}: those, and what a server does (the store, the embedded S3 endpoint, every class
 * of the project's own jars).
 *
 * <p>It must be safe on any build machine: it never touches a ublk device or {@code /run/ublk-s3} (its run
 * directory is a temporary folder), and its only server listens on 127.0.0.1 on a free port. What needs a device
 * (the queues) is loaded without being run.
 */
final class AotTraining {

    /** The project's own jars on the class path: every class of theirs is loaded, run or not. */
    private static final List<String> OWN_JARS = List.of("tools", "ublk-driver", "native-bindings", "storage");

    private AotTraining() {}

    public static void main(String[] args) throws Exception {
        Path tmp = Files.createTempDirectory("ublk-s3-aot");
        try {
            commands(tmp);
            ring();
            if (!(args.length == 1 && args[0].equals("client"))) {
                store(tmp);
                loadOwnClasses();
            }
        } finally {
            try (Stream<Path> files = Files.walk(tmp)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Help, list, usage errors and the refusals of commands that find no device: the paths of every command. */
    private static void commands(Path tmp) throws IOException {
        RunDirectory run = new RunDirectory(tmp.resolve("run"));
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
        Path etc = Files.createDirectories(tmp.resolve("etc"));
        Files.writeString(
                etc.resolve("train.conf"),
                "size 16M\nobject-size 64K\nbucket train\nkey a/b\nretry-time 5s\n" + "local " + tmp + "\nqueues 1\n");
        List<List<String>> commands = List.of(
                List.of(),
                List.of("--help"),
                List.of("add", "--help"),
                List.of("del", "--help"),
                List.of("recover", "--help"),
                List.of("list", "--help"),
                List.of("stats", "--help"),
                List.of("local-s3", "--help"),
                List.of("unit-start", "--help"),
                List.of("list"),
                List.of("stats", "-n", "77"),
                List.of("stats", "--name", "train", "--json"),
                List.of("del", "-n", "77"),
                List.of("recover", "-n", "77"),
                List.of("unit-stop", "--name", "train"),
                // refused before anything is made: a size that is no multiple of the object size
                List.of(
                        "add",
                        "--size",
                        "100K",
                        "--object-size",
                        "64K",
                        "--bucket",
                        "train",
                        "--local",
                        tmp.toString()),
                List.of("add", "size=100K", "object-size=64K", "bucket=train", "endpoint-url=http://127.0.0.1:1"),
                List.of("add", "--name", "missing", "--config-dir", etc.toString()));
        for (List<String> command : commands) {
            UblkS3.run(command, sink, sink, run);
        }
        ConfigFile.read(etc, "train");
    }

    /**
     * The server's path to its store: the embedded endpoint (with the counting, link and fault layers local-s3 can
     * add, and its control socket), the CRT client, the storage stack, and every kind of request a device makes.
     */
    private static void store(Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("s3"));
        Path socket = tmp.resolve("s3.sock");
        try (LocalS3Command.Serving serving = LocalS3Command.start(List.of(
                "--dir",
                dir.toString(),
                "--port",
                "0",
                "--bucket",
                "train",
                "--latency",
                "1ms",
                "--faults",
                "500=0.0",
                "--control",
                socket.toString()))) {
            ControlSocket.call(socket, "counts", line -> {});
            S3ObjectStore s3 = S3ObjectStore.open(LocalS3Config.of(serving.server(), "train"), 64 << 10);
            try (StorageStack stack = StorageStack.open(
                    s3,
                    new StorageStack.Options("a/b", 16 << 20, 64 << 10)
                            .withRetry(RetryPolicy.forTime(Duration.ofSeconds(5))))) {
                s3.list("a/b/", null, null, 1).join();
                ByteBuffer data = ByteBuffer.allocateDirect(256 << 10);
                stack.device().write(0, data.duplicate(), false).join();
                stack.device().write(4096, data.duplicate().limit(4096), true).join();
                stack.device()
                        .write(1 << 20, data.duplicate().limit(512), false)
                        .join();
                stack.device().read(0, data.duplicate()).join();
                stack.device().read(8 << 20, data.duplicate().limit(4096)).join();
                stack.device().trim(0, 128 << 10).join();
                stack.device().zero(128 << 10, 68 << 10).join();
                stack.device().flush().join();
                stack.stats().toText();
                stack.stats().toJson();
            }
            ControlSocket.call(socket, "counts", line -> {});
        }
    }

    /** The queues' ring, as far as a machine without ublk can go: set up, a no-op round trip, closed. */
    private static void ring() throws Exception {
        try (IoUring ring = IoUring.open(8, 0, IoUring.DEFAULT_OPTIONAL_FLAGS)) {
            ring.prepNop(1);
            ring.submitAndWait(1);
            ring.reap((userData, result, flags) -> {});
        } catch (Exception | LinkageError e) {
            // no io_uring here (seccomp, an old kernel): the classes are still loaded below
        }
    }

    private static void loadOwnClasses() throws IOException {
        ClassLoader loader = AotTraining.class.getClassLoader();
        for (String entry : System.getProperty("java.class.path").split(":")) {
            String file = Path.of(entry).getFileName().toString();
            if (OWN_JARS.stream().noneMatch(own -> file.equals(own + ".jar") || file.startsWith(own + "-"))) {
                continue;
            }
            try (JarFile jar = new JarFile(entry)) {
                jar.stream()
                        .map(e -> e.getName())
                        .filter(n -> n.endsWith(".class")
                                && !n.endsWith("module-info.class")
                                && !n.endsWith("package-info.class"))
                        .forEach(n -> {
                            try {
                                Class.forName(n.substring(0, n.length() - 6).replace('/', '.'), false, loader);
                            } catch (ClassNotFoundException | LinkageError ignored) {
                                // a class that cannot load here is loaded from its jar at run time
                            }
                        });
            }
        }
    }
}
