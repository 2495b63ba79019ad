package dev.ublks3.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6, item 4, "no /dev/ublk-control": on a kernel without the ublk driver (these build machines), a
 * well-formed {@code add} fails with one line naming the missing driver and how to load it, exit 1, and writes
 * nothing: no object or bucket folder under --local, no file in the run directory. Once in process (foreground),
 * once as the real command in the background mode that starts a server process ($UBLKS3_RUN_DIR points at a
 * scratch folder). With the driver present, the VM tests cover add.
 */
class MissingDriverTest {

    @TempDir
    Path tmp;

    @BeforeEach
    void noDriver() {
        assumeFalse(Files.exists(Path.of("/dev/ublk-control")), "this machine has the ublk driver");
        tmp.resolve("s3").toFile().mkdir();
    }

    private List<String> add(String... more) {
        List<String> args = new ArrayList<>(List.of(
                "add",
                "--local",
                tmp.resolve("s3").toString(),
                "--bucket",
                "bkt",
                "--size",
                "16M",
                "--object-size",
                "64K"));
        args.addAll(List.of(more));
        return args;
    }

    private void assertOneLineAndNothingLeft(String err, String out) throws Exception {
        assertEquals("", out, "nothing on stdout");
        assertEquals(1, err.lines().count(), err);
        assertTrue(
                err.startsWith("ublk-s3: open /dev/ublk-control: ENOENT (no ublk control device): "
                        + "load the ublk driver with 'modprobe ublk_drv'"),
                err);
        try (Stream<Path> s3 = Files.walk(tmp.resolve("s3"))) {
            assertEquals(List.of(tmp.resolve("s3")), s3.toList(), "no bucket or object written");
        }
        Path run = tmp.resolve("run");
        if (Files.exists(run)) {
            try (Stream<Path> files = Files.list(run)) {
                assertEquals(List.of(), files.toList(), "no run file left");
            }
        }
    }

    @Test
    void foregroundAdd() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = UblkS3.run(
                add("--foreground"),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                new RunDirectory(tmp.resolve("run")));
        assertEquals(1, code, err.toString(StandardCharsets.UTF_8));
        assertOneLineAndNothingLeft(err.toString(StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void backgroundAddAsTheRealCommand() throws Exception {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                UblkS3.class.getName()));
        command.addAll(add());
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(tmp.resolve("out").toFile())
                .redirectError(tmp.resolve("err").toFile());
        pb.environment().put("UBLKS3_RUN_DIR", tmp.resolve("run").toString());
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "ublk-s3 add ended");
        String err = Files.readString(tmp.resolve("err"));
        assertEquals(1, p.exitValue(), err);
        assertOneLineAndNothingLeft(err, Files.readString(tmp.resolve("out")));
    }
}
