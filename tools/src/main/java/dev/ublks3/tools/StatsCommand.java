package dev.ublks3.tools;

import dev.ublks3.ublk.UblkPaths;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** {@code ublk-s3 stats}: the storage stack's statistics, from the serving process. */
final class StatsCommand {

    static final String HELP = """
            Usage: ublk-s3 stats -n N [--json]
                   ublk-s3 stats --name NAME [--json]

            Requests per operation (count, bytes, size and alignment histograms, latency percentiles), store calls
            (GET, PUT, LIST, DELETE: count, bytes, latency, retries) and read-modify-write cycles of /dev/ublkbN,
            since it was added; then the queue threads' part of a request's time: in the storage stack ("target"),
            and back to the queue thread ("return"). With a cache (add --cache), its line: mode, objects cached,
            dirty objects and bytes (written, not yet uploaded), the age of the oldest, hits, misses, uploads and
            their failures, local syncs, errors of the cache's disk. Text like nbdkit's stats filter, or JSON.
            """;

    private static final ArgParser PARSER = Devices.parser("stats", ArgParser.Option.flag("json"));

    private StatsCommand() {}

    static int run(List<String> args, RunDirectory run, PrintStream out) throws IOException {
        Map<String, String> o = PARSER.parse(args);
        int id = Devices.chosenFor("stats", run, o);
        if (run.read(id).filter(DeviceRecord::serverAlive).isEmpty()) {
            throw new ServeException("no ublk-s3 server serves " + UblkPaths.block(id) + ": see 'ublk-s3 list'");
        }
        String error = ControlSocket.call(run.socket(id), o.containsKey("json") ? "stats-json" : "stats", out::println);
        if (error != null) {
            throw new ServeException("stats of " + UblkPaths.block(id) + ": " + error);
        }
        return 0;
    }
}
