package dev.ublks3.tools;

import dev.ublks3.storage.cache.CachedBlockDevice.DrainProgress;
import dev.ublks3.ublk.UblkControl;
import dev.ublks3.ublk.UblkException;
import dev.ublks3.ublk.UblkPaths;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code ublk-s3 del}: asks the serving process to flush every pending write to the store (with a cache: to upload
 * what the cache holds that the store lacks), stop and delete the device, and prints what it waits for; on a
 * terminal, the upload's progress too. A device whose server died is removed directly.
 */
final class DelCommand {

    static final String HELP = """
            Usage: ublk-s3 del -n N [--force] [--keep-dirty]
                   ublk-s3 del --name NAME [--force] [--keep-dirty]
                   ublk-s3 del --all [--force] [--keep-dirty]

            Flushes every write of /dev/ublkbN to the store, then stops and deletes the device. Returns only once
            every acknowledged write is in the store. Refuses a device in use (mounted, or held by a ZFS pool).
            With a cache (add --cache), first uploads what it holds that the store lacks (progress on a terminal);
            when the store stays unreachable for longer than the device's retry time, refuses and keeps the device.

              -n, --number N   the device
              --name NAME      the device added with --name NAME
              --all            every ublk-s3 device
              --force          remove a device even while it is in use (its users get I/O errors)
              --keep-dirty     remove the device without uploading its cache's dirty data: it stays in the
                               cache directory, and the next add with the same --cache uploads it
            """;

    private static final ArgParser PARSER = Devices.parser(
            "del", ArgParser.Option.flag("all"), ArgParser.Option.flag("force"), ArgParser.Option.flag("keep-dirty"));

    private DelCommand() {}

    static int run(List<String> args, RunDirectory run, PrintStream out, boolean terminal) throws Exception {
        Map<String, String> o = PARSER.parse(args);
        ArgParser.requireOnlyOneOf(o, "del", Set.of("number", "name", "all"));
        if (!o.containsKey("number") && !o.containsKey("name") && !o.containsKey("all")) {
            throw new UsageException("'del' needs -n N, --name NAME or --all: see 'ublk-s3 list' for the devices");
        }
        Flags flags = new Flags(o.containsKey("force"), o.containsKey("keep-dirty"), terminal);
        if (o.containsKey("number") || o.containsKey("name")) {
            delete(Devices.chosen(run, o), flags, run, out);
            return 0;
        }
        List<String> failures = new ArrayList<>();
        for (int id : Devices.known(run)) {
            try {
                delete(id, flags, run, out);
            } catch (UsageException | UblkException | ServeException e) {
                failures.add(ControlSocket.oneLine(e));
            }
        }
        if (!failures.isEmpty()) {
            throw new ServeException(failures.size() + " device(s) not removed: " + String.join("; ", failures));
        }
        return 0;
    }

    /**
     * How to delete.
     *
     * @param force     remove a device in use
     * @param keepDirty leave the cache's dirty data in the cache
     * @param terminal  show the upload's progress (on a terminal only)
     */
    record Flags(boolean force, boolean keepDirty, boolean terminal) {
        static final Flags PLAIN = new Flags(false, false, false);
    }

    static void delete(int id, Flags flags, RunDirectory run, PrintStream out) throws Exception {
        String path = UblkPaths.block(id);
        Optional<DeviceRecord> record = run.read(id);
        if (record.isPresent() && record.get().serverAlive()) {
            String error;
            SyncProgress progress = new SyncProgress(out, "uploading the cache of " + path);
            try {
                String command = DeviceServer.delCommand(flags.force(), flags.keepDirty());
                error = ControlSocket.call(run.socket(id), command, line -> {
                    DrainProgress p = SyncProgress.parse(line);
                    if (p != null) {
                        if (flags.terminal()) {
                            progress.show(p);
                        }
                        return;
                    }
                    progress.end();
                    out.println(path + ": " + line);
                    out.flush();
                });
            } catch (IOException e) {
                throw new ServeException(
                        "the server of " + path + " (pid " + record.get().pid()
                                + ") does not answer on " + run.socket(id) + ": stop it with 'kill "
                                + record.get().pid()
                                + "' (it flushes on SIGTERM), then run del again");
            }
            progress.end();
            if (error != null) {
                throw new ServeException(path + ": " + error);
            }
            return;
        }
        if (Devices.exists(id)) {
            // no server: nothing can be pending in it; the kernel failed any I/O it could not serve
            out.println(path + ": its server is gone"
                    + record.map(r -> " (pid " + r.pid() + ")").orElse("") + ": removing the device");
            try (UblkControl control = UblkControl.open()) {
                try {
                    control.stopDev(id);
                } catch (UblkException e) {
                    out.println(path + ": STOP_DEV: " + e.getMessage() + " (deleting anyway)");
                }
                control.delDev(id);
            }
            run.retire(id);
            out.println(path + ": removed");
            record.map(DeviceRecord::cache)
                    .ifPresent(c -> out.println(path + ": its cache " + c.dir()
                            + " keeps what the server had not uploaded: the next 'ublk-s3 add' with --cache " + c.dir()
                            + " uploads it"));
            return;
        }
        if (record.isPresent() || Files.exists(run.socket(id))) {
            run.retire(id);
            out.println(path + ": no such device; removed its stale record in " + run.path());
            return;
        }
        throw new ServeException("there is no ublk device " + id + ": see 'ublk-s3 list'");
    }
}
