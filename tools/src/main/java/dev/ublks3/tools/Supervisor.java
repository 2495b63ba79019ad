package dev.ublks3.tools;

import dev.ublks3.ublk.UblkPaths;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ublk-s3 add --restart}: the detached process is this supervisor, not the server. It starts the server
 * ({@code add ... --foreground}) as its child, passes its device path on, and waits for it. When the server dies
 * while its device still exists (killed, crashed: the kernel holds the device's I/O), it runs the recover path
 * ({@code recover -n N --foreground}) as the next child, up to {@link #ATTEMPTS} times with a growing pause;
 * a server that ends cleanly (del, SIGTERM: it flushes and removes the device) ends the supervisor too.
 * Both log to /run/ublk-s3/N.log. Internal command, not in the help: {@code ublk-s3 supervise ADD-ARGS}.
 */
final class Supervisor {

    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
    static final int ATTEMPTS = 5;
    private static final long FIRST_PAUSE_MILLIS = 500;

    private Supervisor() {}

    static int run(List<String> addArgs, PrintStream out) throws Exception {
        AddOptions options = AddOptions.parse(addArgs);
        String log = System.getenv(ServerLauncher.LOG_ENV);
        if (log == null) {
            throw new UsageException(
                    "'" + ServerLauncher.SUPERVISE + "' is started by 'ublk-s3 add --restart': use that");
        }
        ServerLauncher launcher = ServerLauncher.fromEnvironment();
        // the server renames the log to N.log; this process writes to the same open file
        Process server = launcher.launch(ServerLauncher.serveCommand(addArgs), Path.of(log), false, true, true);
        String first = ServerLauncher.devicePathLine(server);
        if (first == null) {
            return server.waitFor(); // its one-line error is in the log, where add reads it
        }
        out.println(first);
        out.flush();
        out.close();
        int id = UblkPaths.blockId(first);
        List<String> recover = ServerLauncher.recoverCommand(id, keys(options));
        LOG.info("supervising {} (pid {}): it is recovered when its server dies", first, server.pid());
        for (; ; ) {
            int code = server.waitFor();
            if (code == 0 || !Devices.exists(id)) {
                LOG.info("the server of {} ended (exit {}) and removed the device: supervisor done", first, code);
                return 0;
            }
            LOG.warn(
                    "the server of {} (pid {}) died (exit {}) and left the device: recovering it",
                    first,
                    server.pid(),
                    code);
            server = null;
            long pause = FIRST_PAUSE_MILLIS;
            for (int attempt = 1; attempt <= ATTEMPTS && server == null; attempt++) {
                Thread.sleep(pause);
                pause *= 2;
                if (!Devices.exists(id)) { // 'del' removed the dead server's device meanwhile
                    LOG.info("{} was removed while its server was down: supervisor done", first);
                    return 0;
                }
                Process p = launcher.launch(recover, Path.of(log), false, true, false);
                String line = ServerLauncher.devicePathLine(p);
                if (line != null) {
                    server = p;
                    LOG.info("recovered {}: served by pid {} (attempt {})", first, p.pid(), attempt);
                } else {
                    LOG.warn(
                            "recovering {}: attempt {} of {} failed (exit {}, see above)",
                            first,
                            attempt,
                            ATTEMPTS,
                            p.waitFor());
                }
            }
            if (server == null) {
                LOG.error(
                        "gave up recovering {} after {} attempts: run 'ublk-s3 recover -n {}' or 'ublk-s3 del -n {}'",
                        first,
                        ATTEMPTS,
                        id,
                        id);
                return 1;
            }
        }
    }

    /** The keys the device was added with: never stored, so passed on from this process's own arguments. */
    private static List<String> keys(AddOptions options) {
        List<String> keys = new ArrayList<>();
        if (options.accessKey() != null) {
            keys.addAll(List.of("--access-key", options.accessKey(), "--secret-key", options.secretKey()));
            if (options.sessionToken() != null) {
                keys.addAll(List.of("--session-token", options.sessionToken()));
            }
        }
        return keys;
    }
}
