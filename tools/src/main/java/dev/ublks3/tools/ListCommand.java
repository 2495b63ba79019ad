package dev.ublks3.tools;

import dev.ublks3.ublk.UblkControl;
import dev.ublks3.ublk.UblkDevInfo;
import dev.ublks3.ublk.UblkException;
import dev.ublks3.ublk.UblkPaths;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/** {@code ublk-s3 list}: the devices, what serves them and from where. */
final class ListCommand {

    static final String HELP = """
            Usage: ublk-s3 list

            One line per ublk device: path, name (add --name), size, object size, retry time (--retry-time), kernel
            state, serving pid, bucket/key, endpoint.
            """;

    private ListCommand() {
    }

    static int run(List<String> args, RunDirectory run, PrintStream out) {
        new ArgParser("list", List.of(), Map.of()).parse(args);
        Map<Integer, Optional<DeviceRecord>> devices = new TreeMap<>();
        for (int id : Devices.known(run)) {
            devices.put(id, run.read(id));
        }
        int nameWidth = devices.values().stream().flatMap(Optional::stream).map(DeviceRecord::name)
                .filter(Objects::nonNull).mapToInt(String::length).max().orElse(0);
        String format = "%-12s %-" + Math.max(4, nameWidth) + "s %8s %7s %6s %-9s %8s  %s  %s%n";
        out.printf(format, "DEVICE", "NAME", "SIZE", "OBJECT", "RETRY", "STATE", "PID", "BUCKET/KEY", "ENDPOINT");
        UblkControl control = openQuietly();
        try {
            for (Map.Entry<Integer, Optional<DeviceRecord>> device : devices.entrySet()) {
                int id = device.getKey();
                Optional<DeviceRecord> r = device.getValue();
                String state = state(control, id, r);
                out.printf(format, UblkPaths.block(id),
                        r.map(DeviceRecord::name).orElse("-"),
                        r.map(x -> Sizes.format(x.size())).orElse("-"),
                        r.map(x -> Sizes.format(x.objectSize())).orElse("-"),
                        r.map(x -> Durations.format(x.retryTime())).orElse("-"),
                        state,
                        r.map(x -> Long.toString(x.pid())).orElse("-"),
                        r.map(x -> "s3://" + x.bucket() + "/" + x.key()).orElse("(not served by ublk-s3)"),
                        r.map(DeviceRecord::endpoint).orElse("-"));
            }
        } finally {
            if (control != null) {
                control.close();
            }
        }
        return 0;
    }

    private static String state(UblkControl control, int id, Optional<DeviceRecord> r) {
        if (!Devices.exists(id)) {
            return "GONE";
        }
        if (r.isPresent() && !r.get().serverAlive()) {
            return "NO-SERVER";
        }
        if (control == null) {
            return "?";
        }
        try {
            UblkDevInfo info = control.getDevInfo(id);
            return info.stateName();
        } catch (UblkException e) {
            return "?";
        }
    }

    /** list works without root or ublk (from the run directory alone); the kernel state then reads '?'. */
    private static UblkControl openQuietly() {
        try {
            return UblkControl.open();
        } catch (UblkException e) {
            return null;
        }
    }
}
