package dev.ublks3.tools;

import dev.ublks3.ublk.UblkControl;
import dev.ublks3.ublk.UblkDevInfo;
import dev.ublks3.ublk.UblkException;
import dev.ublks3.ublk.UblkPaths;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code ublk-s3 list}: the devices, what serves them and from where. */
final class ListCommand {

    static final String HELP = """
            Usage: ublk-s3 list

            One line per ublk device: path, name (add --name), size, object size, retry time (--retry-time), kernel
            state, serving pid, bucket/key, endpoint, and the cache (add --cache): its mode, the objects written and
            not yet uploaded (their bytes, the age of the oldest), reads it served (hits) and not (misses).
            """;

    /** How long a server may take to answer for its cache's line; a busy or hung one reads "no answer". */
    private static final long ANSWER_MILLIS = 2_000;

    private ListCommand() {}

    static int run(List<String> args, RunDirectory run, PrintStream out) {
        new ArgParser("list", List.of(), Map.of()).parse(args);
        Map<Integer, Optional<DeviceRecord>> devices = new TreeMap<>();
        for (int id : Devices.known(run)) {
            devices.put(id, run.read(id));
        }
        int nameWidth = devices.values().stream()
                .flatMap(Optional::stream)
                .map(DeviceRecord::name)
                .filter(Objects::nonNull)
                .mapToInt(String::length)
                .max()
                .orElse(0);
        String format = "%-12s %-" + Math.max(4, nameWidth) + "s %8s %7s %6s %-9s %8s  %s  %s  %s%n";
        out.printf(
                format, "DEVICE", "NAME", "SIZE", "OBJECT", "RETRY", "STATE", "PID", "BUCKET/KEY", "ENDPOINT", "CACHE");
        UblkControl control = openQuietly();
        try {
            for (Map.Entry<Integer, Optional<DeviceRecord>> device : devices.entrySet()) {
                int id = device.getKey();
                Optional<DeviceRecord> r = device.getValue();
                String state = state(control, id, r);
                out.printf(
                        format,
                        UblkPaths.block(id),
                        r.map(DeviceRecord::name).orElse("-"),
                        r.map(x -> Sizes.format(x.size())).orElse("-"),
                        r.map(x -> Sizes.format(x.objectSize())).orElse("-"),
                        r.map(x -> Durations.format(x.retryTime())).orElse("-"),
                        state,
                        r.map(x -> Long.toString(x.pid())).orElse("-"),
                        r.map(x -> "s3://" + x.bucket() + "/" + x.key()).orElse("(not served by ublk-s3)"),
                        r.map(DeviceRecord::endpoint).orElse("-"),
                        r.map(x -> cache(x, run)).orElse("-"));
            }
        } finally {
            if (control != null) {
                control.close();
            }
        }
        return 0;
    }

    /** The cache's short line from its server; from the record alone when the server is gone or does not answer. */
    static String cache(DeviceRecord r, RunDirectory run) {
        if (r.cache() == null) {
            return "-";
        }
        String mode = r.cache().mode().word();
        if (!r.serverAlive()) {
            return mode + " (no server: what it had not uploaded stays in "
                    + r.cache().dir() + ")";
        }
        CompletableFuture<String> answer = new CompletableFuture<>();
        // a thread of its own: a server that never answers keeps it, and no other device's answer waits behind it
        Thread.ofPlatform().daemon().name("list-" + r.devId()).start(() -> {
            StringBuilder line = new StringBuilder();
            try {
                String error = ControlSocket.call(run.socket(r.devId()), CacheControl.SUMMARY, line::append);
                answer.complete(error == null && !line.isEmpty() ? line.toString() : null);
            } catch (IOException | RuntimeException e) {
                answer.complete(null);
            }
        });
        try {
            String line = answer.get(ANSWER_MILLIS, TimeUnit.MILLISECONDS);
            return line != null ? line : mode + " (no answer)";
        } catch (TimeoutException | ExecutionException e) {
            return mode + " (no answer)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return mode + " (no answer)";
        }
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
