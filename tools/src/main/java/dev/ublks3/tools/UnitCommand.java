package dev.ublks3.tools;

import dev.ublks3.ublk.UblkPaths;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the systemd unit {@code ublk-s3@NAME.service} (tools/systemd/ublk-s3@.service) runs: {@code unit-start}
 * (ExecStart) and {@code unit-stop} (ExecStop). The unit is Type=forking: the start command returns once the device
 * is live and has written the server's pid to {@code /run/ublk-s3/NAME.pid} (PIDFile=), so systemd watches the
 * server itself, restarts the unit when the server dies (Restart=on-failure), and runs ExecStop before that too.
 *
 * <ul>
 *   <li>{@code unit-start --name NAME}: no device named NAME: {@code add --name NAME} (the device of
 *   /etc/ublk-s3/NAME.conf). A device NAME whose server died (the kernel holds its I/O): {@code recover} it, not a
 *   second device (this is the unit's restart after a crash). A device NAME served by a live server: refused, it was
 *   started outside the unit, which cannot watch it.</li>
 *   <li>{@code unit-stop --name NAME}: exports the ZFS pools on the device ({@link ZfsPools}), then {@code del}: every
 *   acknowledged write is in the store when it returns. A device whose server died is left as it is for the restart
 *   to recover (systemd runs ExecStop after the main process died, too); no device: nothing to do.</li>
 * </ul>
 */
final class UnitCommand {

    static final String START = "unit-start";
    static final String STOP = "unit-stop";

    static final String START_HELP = """
            Usage: ublk-s3 unit-start --name NAME [--config-dir DIR]

            What the systemd unit ublk-s3@NAME.service starts with (ExecStart): adds the device of
            /etc/ublk-s3/NAME.conf, or takes it over when its server died (recover), prints /dev/ublkbN once it is
            live and writes the server's pid to /run/ublk-s3/NAME.pid for systemd. Refuses a device NAME that a
            server outside the unit serves.

              --name NAME              the device's name: its config file is DIR/NAME.conf
              --config-dir DIR         where NAME.conf is (default: /etc/ublk-s3)
            """;

    static final String STOP_HELP = """
            Usage: ublk-s3 unit-stop --name NAME

            What the systemd unit ublk-s3@NAME.service stops with (ExecStop): exports the ZFS pools that use the
            device (zpool export; none without ZFS), then flushes every write to the store and removes the device
            (del). A device whose server died is left for the unit's restart to recover.

              --name NAME              the device's name
            """;

    private static final ArgParser START_PARSER = new ArgParser(
            START, List.of(ArgParser.Option.value("name"), ArgParser.Option.value("config-dir")), Map.of());
    private static final ArgParser STOP_PARSER = new ArgParser(STOP, List.of(ArgParser.Option.value("name")), Map.of());

    private UnitCommand() {}

    static int start(List<String> args, RunDirectory run, PrintStream out, PrintStream err) throws Exception {
        Map<String, String> o = START_PARSER.parse(args);
        String name = name(o, START);
        Optional<DeviceRecord> existing = Devices.named(run, name).filter(r -> Devices.exists(r.devId()));
        int code;
        if (existing.isPresent()) {
            DeviceRecord r = existing.get();
            if (r.serverAlive()) {
                throw new ServeException("device " + name + " is already " + UblkPaths.block(r.devId())
                        + ", served by pid " + r.pid() + " outside this unit: remove it with 'ublk-s3 del --name "
                        + name + "', then start the unit again");
            }
            out.println(
                    name + ": the server of " + UblkPaths.block(r.devId()) + " died: taking the device over (recover)");
            code = RecoverCommand.run(List.of("--number", Integer.toString(r.devId())), run, out, err);
        } else {
            List<String> add = new ArrayList<>(List.of("--name", name));
            if (o.containsKey("config-dir")) {
                add.addAll(List.of("--config-dir", o.get("config-dir")));
            }
            code = AddCommand.run(add, run, out, err);
        }
        if (code != 0) {
            return code;
        }
        DeviceRecord served = Devices.named(run, name)
                .filter(DeviceRecord::serverAlive)
                .orElseThrow(() -> new ServeException(
                        "the server of " + name + " ended right after it started: see its log in " + run.path()));
        run.writePid(name, served.pid());
        return 0;
    }

    static int stop(List<String> args, RunDirectory run, PrintStream out) throws Exception {
        return stop(args, run, out, ZfsPools.SYSTEM);
    }

    static int stop(List<String> args, RunDirectory run, PrintStream out, ZfsPools zfs) throws Exception {
        Map<String, String> o = STOP_PARSER.parse(args);
        String name = name(o, STOP);
        Optional<DeviceRecord> device =
                Devices.named(run, name).filter(r -> Devices.exists(r.devId()) || r.serverAlive());
        if (device.isEmpty()) {
            out.println(name + ": no such device: nothing to stop");
            run.removePid(name);
            return 0;
        }
        DeviceRecord r = device.get();
        String path = UblkPaths.block(r.devId());
        if (!r.serverAlive()) {
            out.println(name + ": the server of " + path + " (pid " + r.pid()
                    + ") died: the device is left for recovery" + " (the unit's restart, or 'ublk-s3 recover --name "
                    + name + "'); 'ublk-s3 del --name " + name + "' removes it");
            return 0;
        }
        for (String pool : zfs.using(r.devId())) {
            out.println(path + ": exporting ZFS pool " + pool);
            out.flush();
            zfs.export(pool);
        }
        DelCommand.delete(r.devId(), DelCommand.Flags.PLAIN, run, out);
        run.removePid(name);
        return 0;
    }

    private static String name(Map<String, String> o, String command) {
        if (!o.containsKey("name")) {
            throw new UsageException(
                    "'" + command + "' needs --name NAME: give the device's name, as in ublk-s3@NAME.service");
        }
        return ConfigFile.checkName(o.get("name"));
    }
}
