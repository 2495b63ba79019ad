package dev.ublks3.tools;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ublk-s3 add}: in the foreground, serves until stopped; by default, starts the same command with
 * {@code --foreground} as a detached process, prints the device path once that process says the device is live,
 * and returns. A failed start prints the server's one-line error and leaves nothing behind (the server unwinds
 * whatever it made before exiting).
 */
final class AddCommand {

    private static final Logger LOG = LoggerFactory.getLogger(AddCommand.class);
    /** Set in the background server's environment: its log file, renamed to N.log once N is known. */
    static final String LOG_ENV = "UBLKS3_SERVER_LOG";

    private AddCommand() {
    }

    static int run(List<String> args, RunDirectory run, PrintStream out, PrintStream err) throws Exception {
        AddOptions options = AddOptions.parse(args);
        DeviceServer.deviceConfig(options); // usage errors before any process is started
        DeviceServer.checkLocalDir(options);
        return options.foreground() ? serve(options, run, out) : startInBackground(args, run, out, err);
    }

    private static int serve(AddOptions options, RunDirectory run, PrintStream out) throws Exception {
        DeviceServer server = DeviceServer.start(options, run);
        Thread onSignal = new Thread(() -> {
            try {
                server.stop(line -> LOG.info("{}", line));
            } catch (Exception e) {
                LOG.error("stopping {} failed: {}", server.device().blockDevicePath(), ControlSocket.oneLine(e));
            }
        }, "ublk-s3-shutdown");
        // SIGTERM, SIGINT and a machine shutdown all run this: flush before the device goes
        Runtime.getRuntime().addShutdownHook(onSignal);
        String log = System.getenv(LOG_ENV);
        if (log != null) {
            moveLog(Path.of(log), run.logFile(server.device().devId()));
        }
        out.println(server.device().blockDevicePath());
        out.flush();
        if (log != null) {
            out.close(); // the starting command has what it waited for; later output goes to the log
        }
        server.awaitStopped();
        try {
            Runtime.getRuntime().removeShutdownHook(onSignal);
        } catch (IllegalStateException shuttingDown) {
            // stopped by a signal: the hook is what stopped it
        }
        return 0;
    }

    private static void moveLog(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING); // the open file keeps being written
        } catch (IOException e) {
            LOG.warn("cannot move the log {} to {}: {}", from, to, e.getMessage());
        }
    }

    private static int startInBackground(List<String> args, RunDirectory run, PrintStream out, PrintStream err)
            throws IOException, InterruptedException {
        Files.createDirectories(run.path());
        Path log = run.path().resolve("add-" + ProcessHandle.current().pid() + ".log");
        List<String> command = new ArrayList<>();
        if (new File("/usr/bin/setsid").canExecute()) {
            command.add("/usr/bin/setsid"); // its own session: closing the terminal does not stop the server
        }
        command.add(ProcessHandle.current().info().command().orElse("java"));
        // the same JVM options (native access, GC and JIT choices, UBLKS3_JAVA_OPTS) as this command
        List<String> jvmOptions = ManagementFactory.getRuntimeMXBean().getInputArguments();
        command.addAll(jvmOptions);
        if (jvmOptions.stream().noneMatch(a -> a.startsWith("--enable-native-access"))) {
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(UblkS3.class.getName());
        command.add("add");
        command.addAll(args);
        command.add("--foreground");
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put(LOG_ENV, log.toString());
        Process server = pb.start();
        String first;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
            first = lines.readLine();
        }
        if (first != null && first.startsWith("/dev/ublkb")) {
            out.println(first);
            return 0;
        }
        int code = server.waitFor();
        String reason = lastErrorLine(log);
        Files.deleteIfExists(log);
        err.println(reason != null ? reason : "ublk-s3: the server exited with code " + code + " before the device was live");
        return code != 0 ? code : 1;
    }

    /** The server's own one-line error ("ublk-s3: ..."), the last one it printed. */
    private static String lastErrorLine(Path log) throws IOException {
        if (!Files.exists(log)) {
            return null;
        }
        String found = null;
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.startsWith("ublk-s3: ")) {
                found = line;
            }
        }
        return found;
    }
}
