package dev.ublks3.tools;

import dev.ublks3.ublk.UblkControl;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code ublk-s3 add}: in the foreground, serves until stopped; by default, starts the same command with
 * {@code --foreground} as a detached process, prints the device path once that process says the device is live,
 * and returns. A failed start prints the server's one-line error and leaves nothing behind (the server unwinds
 * whatever it made before exiting).
 */
final class AddCommand {

    private AddCommand() {}

    static int run(List<String> args, RunDirectory run, PrintStream out, PrintStream err) throws Exception {
        AddOptions options = AddOptions.parse(args);
        DeviceServer.deviceConfig(options); // usage errors before any process is started
        if (options.foreground()) {
            return ForegroundServer.serve(DeviceServer.start(options, run), run, out); // start makes every check itself
        }
        // a bad --local or --cache, no driver, not root, a device number, name or bucket/key in use: said here,
        // before a run directory or a server process exists (the server checks again before it builds a store)
        DeviceServer.checkLocalDir(options);
        if (options.cache() != null) {
            options.cache().checkDirectory();
        }
        UblkControl.checkAccess();
        UblkControl.checkNumberUnused(options.devId());
        DeviceServer.refuseTaken(options, run, false);
        // with --restart, the supervisor starts 'add ... --foreground' and recovers it when it dies
        List<String> command =
                options.restart() ? ServerLauncher.superviseCommand(args) : ServerLauncher.serveCommand(args);
        Files.createDirectories(run.path());
        Path log = run.path().resolve("add-" + ProcessHandle.current().pid() + ".log");
        return ServerLauncher.fromEnvironment().startInBackground(command, log, true, out, err);
    }
}
