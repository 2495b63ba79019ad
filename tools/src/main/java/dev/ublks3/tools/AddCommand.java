package dev.ublks3.tools;

import dev.ublks3.ublk.UblkControl;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

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
    /** Set in a started server's environment: its stdout is a pipe to the starter, closed once the path is out. */
    static final String DETACHED_ENV = "UBLKS3_DETACHED";
    /** Set by the launchers (tools/bin/launch.sh) to themselves: processes this command starts go through them. */
    static final String LAUNCHER_ENV = "UBLKS3_LAUNCHER";
    /** What a shutdown, a kill, Ctrl-C or a closed terminal send: each stops the device cleanly. */
    private static final List<String> STOP_SIGNALS = List.of("TERM", "INT", "HUP");

    private AddCommand() {
    }

    static int run(List<String> args, RunDirectory run, PrintStream out, PrintStream err) throws Exception {
        AddOptions options = AddOptions.parse(args);
        DeviceServer.deviceConfig(options); // usage errors before any process is started
        if (options.foreground()) {
            return serve(DeviceServer.start(options, run), run, out); // start makes every check itself
        }
        // a bad --local, no driver, not root, a device number, name or bucket/key in use: said here, before a run
        // directory or a server process exists (the server checks again before it builds a store)
        DeviceServer.checkLocalDir(options);
        UblkControl.checkAccess();
        UblkControl.checkNumberUnused(options.devId());
        DeviceServer.refuseTaken(options, run, false);
        List<String> command = new ArrayList<>();
        if (options.restart()) {
            command.add(Supervisor.COMMAND); // it starts 'add ... --foreground' and recovers it when it dies
            command.addAll(args);
        } else {
            command.add("add");
            command.addAll(args);
            command.add("--foreground");
        }
        Files.createDirectories(run.path());
        return startInBackground(command, run.path().resolve("add-" + ProcessHandle.current().pid() + ".log"), true, out, err);
    }

    /**
     * Serves a started (or recovered) device until it is stopped by del or a signal; prints its path once live.
     * Returns 0 after del, 128 + the signal's number after SIGTERM, SIGINT or SIGHUP (as a JVM they ended would).
     */
    static int serve(DeviceServer server, RunDirectory run, PrintStream out) throws Exception {
        // The signals stop the device on a thread of ours while the JVM runs on, not in a shutdown hook: once the JVM
        // shuts down, the CRT delivers no more completions, so an S3 request in flight then never answered and the
        // stop waited for its timeout (120 s) and failed its write.
        AtomicInteger signal = new AtomicInteger();
        for (String name : STOP_SIGNALS) {
            Signal.handle(new Signal(name), s -> {
                signal.compareAndSet(0, s.getNumber());
                stop(server);
            });
        }
        // any other way out of the JVM still stops the device, as well as it can then
        Thread onSignal = new Thread(() -> stop(server), "ublk-s3-shutdown");
        Runtime.getRuntime().addShutdownHook(onSignal);
        String log = System.getenv(LOG_ENV);
        if (log != null) {
            moveLog(Path.of(log), run.logFile(server.device().devId()));
        }
        out.println(server.device().blockDevicePath());
        out.flush();
        if (log != null || System.getenv(DETACHED_ENV) != null) {
            out.close(); // the starting command has what it waited for; later output goes to the log
        }
        server.awaitStopped();
        try {
            Runtime.getRuntime().removeShutdownHook(onSignal);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is ending: the hook is what stopped it
        }
        return signal.get() == 0 ? 0 : 128 + signal.get();
    }

    /** Flushes and removes the device (idempotent: del and a signal may race); says what it waits for in the log. */
    private static void stop(DeviceServer server) {
        try {
            server.stop(line -> LOG.info("{}", line));
        } catch (Exception e) {
            LOG.error("stopping {} failed: {}", server.device().blockDevicePath(), ControlSocket.oneLine(e));
        }
    }

    private static void moveLog(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING); // the open file keeps being written
        } catch (IOException e) {
            LOG.warn("cannot move the log {} to {}: {}", from, to, e.getMessage());
        }
    }

    /**
     * Starts {@code ublk-s3 ARGS} as a process of its own (same JVM and options), stdin from /dev/null, stderr
     * appended to {@code log}, stdout a pipe whose first line tells the device path or nothing.
     *
     * @param detach   in a session of its own (closing the terminal does not stop it)
     * @param inherit  give it this process's stderr instead of {@code log} (a supervisor's children log beside it)
     * @param renameLog tell it to move {@code log} to N.log once N is known
     */
    static Process launch(List<String> args, Path log, boolean detach, boolean inherit, boolean renameLog) throws IOException {
        List<String> command = new ArrayList<>();
        if (detach && new File("/usr/bin/setsid").canExecute()) {
            command.add("/usr/bin/setsid");
        }
        String launcher = System.getenv(LAUNCHER_ENV);
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
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(inherit ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().remove(LOG_ENV);
        if (renameLog) {
            pb.environment().put(LOG_ENV, log.toString());
        }
        pb.environment().put(DETACHED_ENV, "1");
        return pb.start();
    }

    /**
     * The device path the process prints once the device is live, or null when it ended without one. Other lines
     * are skipped: the JVM itself may print to stdout first (e.g. "[warning][perf,memops] Cannot use file
     * /tmp/hsperfdata_root/N" when a PID is reused), and taking that for the answer failed a good add.
     */
    static String devicePathLine(Process server) throws IOException {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.startsWith("/dev/ublkb")) {
                    return line;
                }
            }
            return null;
        }
    }

    /**
     * Runs {@code ublk-s3 ARGS} detached and returns once it printed the device path (printed here too), or
     * fails with its one-line error from {@code log}.
     *
     * @param ownLog the log is this start's own (add-PID.log, renamed to N.log by the server): removed on failure
     */
    static int startInBackground(List<String> args, Path log, boolean ownLog, PrintStream out, PrintStream err)
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
        err.println(reason != null ? reason : "ublk-s3: the server exited with code " + code + " before the device was live");
        return code != 0 ? code : 1;
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
        return found != null ? found : last != null ? "ublk-s3: the server failed: '" + last.strip() + "' (see " + log + ")" : null;
    }
}
