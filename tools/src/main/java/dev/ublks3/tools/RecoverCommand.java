package dev.ublks3.tools;

import dev.ublks3.linux.ublk_cmd_h;
import dev.ublks3.ublk.UblkControl;
import dev.ublks3.ublk.UblkDevInfo;
import dev.ublks3.ublk.UblkException;
import dev.ublks3.ublk.UblkPaths;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code ublk-s3 recover -n N}: takes over device N after its serving process died. The kernel keeps a device
 * made with user recovery (the default) and holds its I/O (QUIESCED); this starts a new server on the same
 * storage stack, rebuilt from the device's record, that takes the device over with START/END_USER_RECOVERY,
 * after which the kernel re-issues the requests it held (UBLK_F_USER_RECOVERY_REISSUE). Like {@code add}, the
 * server runs detached and the command returns once the device is live again.
 *
 * <p>Credentials: the record keeps only their source (default chain, profile, --local). Keys given to {@code add}
 * with --access-key/--secret-key are never written to disk: recover must be given them again.
 */
final class RecoverCommand {

    static final String HELP = """
            Usage: ublk-s3 recover -n N | --name NAME [--access-key K --secret-key S [--session-token T]] [--foreground]

            Takes /dev/ublkbN over after its server died (crash, kill -9): starts a new server on the same bucket,
            key and endpoint (from /run/ublk-s3/N.properties), and the kernel re-issues the I/O it held meanwhile.
            Prints /dev/ublkbN once it is live again. 'ublk-s3 add --restart' does this by itself.

              -n, --number N           the device
              --name NAME              the device added with --name NAME
              --access-key, --secret-key, --session-token
                                       the keys, when the device was added with them (they are never stored)
              --foreground             serve in this process until SIGTERM/SIGINT, then flush and remove
            """;

    static final String COMMAND = "recover";
    /** How long the kernel may take to notice the server's death and quiesce the device. */
    private static final long QUIESCE_WAIT_MILLIS = 15_000;

    private static final ArgParser PARSER = Devices.parser(
            COMMAND,
            ArgParser.Option.value("access-key"),
            ArgParser.Option.value("secret-key"),
            ArgParser.Option.value("session-token"),
            ArgParser.Option.flag("foreground"));

    private RecoverCommand() {}

    static int run(List<String> args, RunDirectory run, PrintStream out, PrintStream err) throws Exception {
        Map<String, String> o = PARSER.parse(args);
        int id = Devices.chosenFor(COMMAND, "the devices whose state is NO-SERVER", run, o);
        DeviceRecord record = record(id, run);
        List<String> keys = keys(o, record);
        checkKernel(record);
        if (o.containsKey("foreground")) {
            List<String> addArgs = new ArrayList<>(record.addArguments());
            addArgs.addAll(keys);
            AddOptions options = AddOptions.parse(addArgs).withName(record.name());
            return ForegroundServer.serve(DeviceServer.recover(options, run), run, out);
        }
        return ServerLauncher.fromEnvironment()
                .startInBackground(ServerLauncher.recoverCommand(id, keys), run.logFile(id), false, out, err);
    }

    /** The record of device N whose server is gone; else the one-line reason why there is nothing to recover. */
    static DeviceRecord record(int id, RunDirectory run) {
        String path = UblkPaths.block(id);
        DeviceRecord record = run.read(id).orElse(null);
        if (record == null) {
            if (Devices.exists(id)) {
                throw new ServeException(path + " has no record in " + run.path()
                        + " (not added by ublk-s3, or the folder was cleared): "
                        + "it cannot be recovered; remove it with 'ublk-s3 del -n " + id + "'");
            }
            throw new ServeException("there is no ublk device " + id + ": see 'ublk-s3 list'");
        }
        if (record.serverAlive()) {
            throw new ServeException(
                    "the server of " + path + " (pid " + record.pid() + ") is still running: nothing to recover"
                            + " (to restart it: 'ublk-s3 del -n " + id + "', then add)");
        }
        return record;
    }

    /** The kernel still has the device, made with user recovery, and holds its I/O; else why it cannot be taken over. */
    static void checkKernel(DeviceRecord record) throws UblkException, InterruptedException {
        int id = record.devId();
        String path = UblkPaths.block(id);
        if (!Devices.exists(id)) {
            throw new ServeException(
                    path + " is gone (its server ended and the kernel removed it): add it again with 'ublk-s3 add'");
        }
        if (!record.recovery()) {
            throw notRecoverable(id);
        }
        try (UblkControl control = UblkControl.open()) {
            UblkDevInfo info = control.getDevInfo(id);
            if (!info.features().has(ublk_cmd_h.UBLK_F_USER_RECOVERY)) {
                throw notRecoverable(id);
            }
            // LIVE with a dead server: the kernel quiesces once it has released the dead server's queues
            long deadline = System.nanoTime() + QUIESCE_WAIT_MILLIS * 1_000_000;
            while (info.state() == ublk_cmd_h.UBLK_S_DEV_LIVE
                    && !DeviceRecord.alive(info.ublksrvPid())
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
                info = control.getDevInfo(id);
            }
            switch (info.state()) {
                case ublk_cmd_h.UBLK_S_DEV_QUIESCED, ublk_cmd_h.UBLK_S_DEV_FAIL_IO -> {}
                case ublk_cmd_h.UBLK_S_DEV_LIVE ->
                    throw new ServeException(path + " is LIVE"
                            + (DeviceRecord.alive(info.ublksrvPid())
                                    ? ", served by pid " + info.ublksrvPid() + ": nothing to recover"
                                    : " " + QUIESCE_WAIT_MILLIS / 1000
                                            + " s after its server died, not QUIESCED: try again, or remove it with 'ublk-s3 del -n "
                                            + id + "'"));
                default ->
                    throw new ServeException(path + " is in state " + info.stateName() + ", which cannot be recovered"
                            + ": remove it with 'ublk-s3 del -n " + id + "'");
            }
        }
    }

    private static ServeException notRecoverable(int id) {
        return new ServeException(UblkPaths.block(id)
                + " was added with --no-recovery, so it cannot be taken over: remove it with 'ublk-s3 del -n " + id
                + "' and add it again");
    }

    /** The keys to pass on: required when the device was added with keys, refused otherwise. */
    private static List<String> keys(Map<String, String> o, DeviceRecord record) {
        boolean given = o.containsKey("access-key") || o.containsKey("secret-key") || o.containsKey("session-token");
        if (record.needsKeys() && !(o.containsKey("access-key") && o.containsKey("secret-key"))) {
            throw new UsageException(UblkPaths.block(record.devId())
                    + " was added with --access-key/--secret-key, which are never stored: "
                    + "give them again (ublk-s3 recover -n " + record.devId() + " --access-key K --secret-key S)");
        }
        if (!record.needsKeys() && given) {
            throw new UsageException(UblkPaths.block(record.devId()) + " takes its credentials from "
                    + record.credentials() + ": leave out --access-key/--secret-key/--session-token");
        }
        List<String> keys = new ArrayList<>();
        for (String name : List.of("access-key", "secret-key", "session-token")) {
            if (o.containsKey(name)) {
                keys.addAll(List.of("--" + name, o.get(name)));
            }
        }
        return keys;
    }
}
