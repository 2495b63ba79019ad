package dev.ublks3.tools;

import dev.ublks3.ublk.UblkPaths;
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
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a server ({@code add} or {@code recover --foreground}, or the {@code add --restart} supervisor) as a
 * process of its own and waits for its answer: the device path as the first such line on its stdout once the device
 * is live, or its one-line error in its log. Both halves of that exchange are here: {@link #startInBackground} and
 * {@link #launch} for the starting command, {@link #announce} for the server.
 */
final class ServerLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(ServerLauncher.class);
    /** Set in the background server's environment: its log file, renamed to N.log once N is known. */
    static final String LOG_ENV = "UBLKS3_SERVER_LOG";
    /** Set in a started server's environment: its stdout is a pipe to the starter, closed once the path is out. */
    static final String DETACHED_ENV = "UBLKS3_DETACHED";
    /** Set by the launchers (tools/bin/launch.sh) to themselves: processes started here go through them. */
    static final String LAUNCHER_ENV = "UBLKS3_LAUNCHER";
    /** The supervisor's command (internal, not in the help): {@code ublk-s3 supervise ADD-ARGS}. */
    static final String SUPERVISE = "supervise";

    /** The launcher script, or null: this JVM's java with its options and class path. */
    private final String launcher;

    ServerLauncher(String launcher) {
        this.launcher = launcher;
    }

    /** Through the launcher that started this command, if any (tools/bin/ublk-s3, a snapshot's ublk-s3). */
    static ServerLauncher fromEnvironment() {
        return new ServerLauncher(System.getenv(LAUNCHER_ENV));
    }

    /** {@code add ADD-ARGS --foreground}: the server of a new device. */
    static List<String> serveCommand(List<String> addArgs) {
        List<String> command = new ArrayList<>(List.of("add"));
        command.addAll(addArgs);
        command.add("--foreground");
        return command;
    }

    /** {@code supervise ADD-ARGS}: starts the server and recovers it when it dies (add --restart). */
    static List<String> superviseCommand(List<String> addArgs) {
        List<String> command = new ArrayList<>(List.of(SUPERVISE));
        command.addAll(addArgs);
        return command;
    }

    /** {@code recover --number N KEYS --foreground}: a new server of device N, whose server died. */
    static List<String> recoverCommand(int devId, List<String> keys) {
        List<String> command = new ArrayList<>(List.of("recover", "--number", Integer.toString(devId)));
        command.addAll(keys);
        command.add("--foreground");
        return command;
    }

    /**
     * Runs {@code ublk-s3 ARGS} detached and returns once it printed the device path (printed here too), or
     * fails with its one-line error from {@code log}.
     *
     * @param ownLog the log is this start's own (add-PID.log, renamed to N.log by the server): removed on failure
     */
    int startInBackground(List<String> args, Path log, boolean ownLog, PrintStream out, PrintStream err)
            throws IOException, InterruptedException {
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        Process server = launch(args, log, true, false, ownLog);
        String first = devicePathLine(server);
        if (first != null) {
            out.println(first);
            return 0;
        }
        int code = server.waitFor();
        String reason = lastErrorLine(log, logStart);
        if (ownLog) {
            Files.deleteIfExists(log);
        }
        err.println(
                reason != null
                        ? reason
                        : "ublk-s3: the server exited with code " + code + " before the device was live");
        return code != 0 ? code : 1;
    }

    /**
     * Starts {@code ublk-s3 ARGS} as a process of its own (same JVM and options), stdin from /dev/null, stderr
     * appended to {@code log}, stdout a pipe whose first device path line tells the device path.
     *
     * @param detach    in a session of its own (closing the terminal does not stop it)
     * @param inherit   give it this process's stderr instead of {@code log} (a supervisor's children log beside it)
     * @param renameLog tell it to move {@code log} to N.log once N is known
     */
    Process launch(List<String> args, Path log, boolean detach, boolean inherit, boolean renameLog) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(args, detach))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(
                        inherit ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().remove(LOG_ENV);
        if (renameLog) {
            pb.environment().put(LOG_ENV, log.toString());
        }
        pb.environment().put(DETACHED_ENV, "1");
        return pb.start();
    }

    /** The command line of {@code ublk-s3 ARGS}: through the launcher, else on this JVM with its options. */
    List<String> command(List<String> args, boolean detach) {
        List<String> command = new ArrayList<>();
        if (detach && new File("/usr/bin/setsid").canExecute()) {
            command.add("/usr/bin/setsid");
        }
        if (launcher != null) {
            command.add(launcher); // it picks the JVM options and AOT cache of a server (tools/bin/launch.sh)
        } else {
            command.add(ProcessHandle.current().info().command().orElse("java"));
            // the same JVM options (native access, GC and JIT choices) as this command
            List<String> jvmOptions = ManagementFactory.getRuntimeMXBean().getInputArguments();
            command.addAll(jvmOptions);
            if (jvmOptions.stream().noneMatch(a -> a.startsWith("--enable-native-access"))) {
                command.add("--enable-native-access=ALL-UNNAMED");
            }
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(UblkS3.class.getName());
        }
        command.addAll(args);
        return command;
    }

    /**
     * The device path the process prints once the device is live, or null when it ended without one. Other lines
     * are skipped: the JVM itself may print to stdout first (e.g. "[warning][perf,memops] Cannot use file
     * /tmp/hsperfdata_root/N" when a PID is reused), and taking that for the answer failed a good add.
     */
    static String devicePathLine(Process server) throws IOException {
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                if (UblkPaths.blockId(line) >= 0) {
                    return line;
                }
            }
            return null;
        }
    }

    /**
     * The server's half, once its device is live: moves the log it was started with ({@link #LOG_ENV} in
     * {@code env}) to {@code deviceLog}, prints the device path and, when a starting command waits for it, closes
     * stdout (the starter has its answer; later output goes to the log).
     */
    static void announce(String devicePath, Path deviceLog, PrintStream out, Map<String, String> env) {
        String log = env.get(LOG_ENV);
        if (log != null) {
            moveLog(Path.of(log), deviceLog);
        }
        out.println(devicePath);
        out.flush();
        if (log != null || env.get(DETACHED_ENV) != null) {
            out.close();
        }
    }

    private static void moveLog(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING); // the open file keeps being written
        } catch (IOException e) {
            LOG.warn("cannot move the log {} to {}: {}", from, to, e.getMessage());
        }
    }

    /** The server's own one-line error ("ublk-s3: ..."), the last one it printed. */
    private static String lastErrorLine(Path log, long from) throws IOException {
        if (!Files.exists(log)) {
            return null;
        }
        String found = null;
        String last = null;
        byte[] all = Files.readAllBytes(log);
        int start = (int) Math.min(from, all.length);
        String text = new String(all, start, all.length - start, StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            if (line.startsWith("ublk-s3: ")) {
                found = line;
            }
            if (!line.isBlank()) {
                last = line;
            }
        }
        // no one-line error (a JVM that could not start, a crash): its last words, pointing at the whole log
        return found != null
                ? found
                : last != null ? "ublk-s3: the server failed: '" + last.strip() + "' (see " + log + ")" : null;
    }
}
