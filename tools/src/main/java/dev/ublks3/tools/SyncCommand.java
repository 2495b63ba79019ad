package dev.ublks3.tools;

import dev.ublks3.storage.cache.CachedBlockDevice.DrainProgress;
import dev.ublks3.ublk.UblkPaths;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code ublk-s3 sync}: the clean signal. Returns 0 once every write the device completed before the call is in the
 * store (with a writeback cache, once the cache has uploaded it); on a terminal it shows the upload's progress,
 * otherwise it prints nothing but errors.
 */
final class SyncCommand {

    static final String HELP = """
            Usage: ublk-s3 sync -n N | --name NAME [--timeout DURATION]

            Returns once every write /dev/ublkbN completed before the call is in the store: with a writeback cache
            (add --cache), once the cache has uploaded it; without one, at once (writes complete in the store). On a
            terminal, shows what is left (objects, bytes), the rate and the time left. Writes still in a file
            system's or the kernel's memory are not the device's yet: sync the file system first (sync -f DIR,
            zpool sync POOL).

              -n, --number N       the device
              --name NAME          the device added with --name NAME
              --timeout DURATION   give up after this long (exit 1, naming what is left): 30s, 10m, 2h
                                   (default: wait as long as it takes)
            """;

    static final String COMMAND = "sync";

    private static final ArgParser PARSER = Devices.parser(COMMAND, ArgParser.Option.value("timeout"));

    private SyncCommand() {}

    static int run(List<String> args, RunDirectory run, PrintStream out, boolean terminal) throws IOException {
        Map<String, String> o = PARSER.parse(args);
        int id = Devices.chosenFor(COMMAND, run, o);
        Duration timeout = o.containsKey("timeout")
                ? Durations.parse("--timeout", o.get("timeout"), CacheControl.MAX_TIMEOUT)
                : null;
        String path = UblkPaths.block(id);
        DeviceRecord record = run.read(id)
                .orElseThrow(() -> new ServeException("no ublk-s3 server serves " + path + ": see 'ublk-s3 list'"));
        if (!record.serverAlive()) {
            throw new ServeException("the server of " + path + " (pid " + record.pid() + ") is gone: "
                    + (record.cache() != null
                            ? "take the device over with 'ublk-s3 recover -n " + id + "', which"
                                    + " uploads what its cache holds, then sync again"
                            : "nothing is pending in it: see 'ublk-s3 list'"));
        }
        SyncProgress progress = new SyncProgress(out, "syncing " + path);
        String error;
        try {
            String command = CacheControl.SYNC + (timeout == null ? "" : " " + Durations.format(timeout));
            error = ControlSocket.call(run.socket(id), command, line -> {
                if (!terminal) {
                    return;
                }
                DrainProgress p = SyncProgress.parse(line);
                if (p != null) {
                    progress.show(p);
                } else {
                    progress.end();
                    out.println(path + ": " + line);
                }
            });
        } catch (IOException e) {
            throw new ServeException("the server of " + path + " (pid " + record.pid() + ") does not answer on "
                    + run.socket(id) + ": see its log " + run.logFile(id));
        }
        progress.end();
        if (error != null) {
            throw new ServeException("sync of " + path + ": " + error);
        }
        return 0;
    }
}
