package dev.ublks3.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The soak driver (tools/soak/soak.py, run in the VM by tools/bin/soak) is itself able to fail: against a regular
 * file (trim = punch-hole of the whole objects, zero = punch-hole), a clean run compares equal with its model, and
 * each fault hidden from the model halfway through (bytes overwritten behind its back, a write, a trim or a zero
 * acknowledged but not done) is reported as a MISMATCH at the faulty range, with exit code 1. About 2 s per run.
 */
class SoakDriverTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path DRIVER = Path.of("soak", "soak.py"); // the tools module's folder is the working directory
    private static final Pattern INJECTED = Pattern.compile("INJECTED [a-z-]+: .*\\[0x([0-9a-f]+), 0x([0-9a-f]+)\\)");
    private static final Pattern MISMATCH = Pattern.compile("MISMATCH at offset 0x([0-9a-f]+), length (\\d+)");

    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {}

    private Run soak(String... extra) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(PYTHON), "no /usr/bin/python3");
        Path disk = tmp.resolve("disk");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(4 << 20);
        }
        List<String> command = new java.util.ArrayList<>(List.of(
                PYTHON.toString(),
                DRIVER.toString(),
                "--target",
                disk.toString(),
                "--seconds",
                "2",
                "--seed",
                "7",
                "--results",
                tmp.resolve("results").toString()));
        command.addAll(List.of(extra));
        Process p = new ProcessBuilder(command)
                .redirectOutput(tmp.resolve("out").toFile())
                .redirectError(tmp.resolve("err").toFile())
                .start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the driver did not end within 60 s");
        return new Run(
                p.exitValue(),
                Files.readString(tmp.resolve("out"), StandardCharsets.UTF_8),
                Files.readString(tmp.resolve("err"), StandardCharsets.UTF_8));
    }

    @Test
    void aCleanRunMatchesItsModel() throws Exception {
        Run r = soak();
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("mismatches 0; PASS"), r.out());
        assertTrue(r.out().contains("final verify: 4.0 MiB"), r.out());
        assertTrue(Files.readString(tmp.resolve("results/summary.json")).contains("\"result\": \"PASS\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"flip", "lost-write", "lost-trim", "lost-zero"})
    void aFaultHiddenFromTheModelIsReportedWhereItIs(String fault) throws Exception {
        Run r = soak("--inject", fault);
        assertEquals(1, r.code(), r.out() + r.err());
        Matcher injected = INJECTED.matcher(r.out());
        assertTrue(injected.find(), "no INJECTED line: " + r.out());
        long from = Long.parseLong(injected.group(1), 16);
        long to = Long.parseLong(injected.group(2), 16);
        Matcher m = MISMATCH.matcher(r.err());
        boolean there = false;
        while (m.find()) {
            long at = Long.parseLong(m.group(1), 16);
            there |= at < to && from < at + Long.parseLong(m.group(2));
        }
        assertTrue(there, "no MISMATCH overlapping [" + from + ", " + to + "): " + r.err());
        assertTrue(r.err().contains("first differing byte at 0x"), r.err());
        assertTrue(r.out().contains("; FAIL: "), r.out());
        assertTrue(Files.readString(tmp.resolve("results/mismatches.log")).contains("MISMATCH at offset"));
    }
}
