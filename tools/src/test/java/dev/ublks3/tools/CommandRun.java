package dev.ublks3.tools;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** One {@code ublk-s3} command line run in-process: its exit code and what it printed on stdout and stderr. */
record CommandRun(int code, String out, String err) {

    /** Runs {@code line} (words split on spaces) against the run directory {@code run}. */
    static CommandRun of(String line, RunDirectory run) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = UblkS3.run(
                Arrays.asList(line.split(" +")),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                run);
        return new CommandRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
