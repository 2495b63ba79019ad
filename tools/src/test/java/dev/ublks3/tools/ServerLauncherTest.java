package dev.ublks3.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starting a server and taking its answer: the device path from its stdout, or its one-line error from its log.
 * The servers here are shell scripts standing in for the launcher (tools/bin/launch.sh), which the starter runs
 * with the server's arguments; they write down what they were given.
 */
class ServerLauncherTest {

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private static String answer(String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).start();
        String line = ServerLauncher.devicePathLine(p);
        p.waitFor();
        return line;
    }

    @Test
    void theJvmsOwnWarningsBeforeTheDevicePathAreSkipped() throws Exception {
        String jvmWarning = "[0.010s][warning][perf,memops] Cannot use file /tmp/hsperfdata_root/569";
        assertEquals("/dev/ublkb3", answer("echo '" + jvmWarning + "'; echo /dev/ublkb3"));
    }

    @Test
    void noDevicePathBeforeTheEndIsNoAnswer() throws Exception {
        assertNull(answer("echo '[warning] something'; exit 1"));
        assertNull(answer("exit 1"));
    }

    /** A launcher script whose body is {@code body}; it first writes its arguments and environment to tmp/seen. */
    private ServerLauncher launcher(String body) throws Exception {
        Path script = tmp.resolve("launcher");
        Files.writeString(
                script,
                "#!/bin/sh\n{\n"
                        + "echo \"args: $*\"\n"
                        + "echo \"log: ${UBLKS3_SERVER_LOG:-none}\"\n"
                        + "echo \"detached: ${UBLKS3_DETACHED:-no}\"\n"
                        + "echo \"stdin: $(readlink /proc/$$/fd/0)\"\n"
                        + "echo \"session leader: $([ \"$(cut -d' ' -f6 /proc/$$/stat)\" = $$ ] && echo yes || echo no)\"\n"
                        + "} >" + tmp.resolve("seen") + "\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return new ServerLauncher(script.toString());
    }

    private int start(ServerLauncher launcher, List<String> command, Path log, boolean ownLog) throws Exception {
        return launcher.startInBackground(
                command,
                log,
                ownLog,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String seen() throws Exception {
        return Files.readString(tmp.resolve("seen"));
    }

    @Test
    void anAddIsStartedDetachedThroughTheLauncherAndItsPathPassedOn() throws Exception {
        Path log = tmp.resolve("add-1.log");
        ServerLauncher launcher = launcher("echo '[warning] a JVM line'; echo /dev/ublkb5; echo 'serving' >&2");
        List<String> add = ServerLauncher.serveCommand(List.of("--size", "1G", "--bucket", "b"));
        assertEquals(0, start(launcher, add, log, true));
        assertEquals("/dev/ublkb5\n", out.toString(StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        String seen = seen();
        assertTrue(seen.contains("args: add --size 1G --bucket b --foreground\n"), seen);
        assertTrue(seen.contains("log: " + log + "\n"), "the server renames its own log: " + seen);
        assertTrue(seen.contains("detached: 1\n"), seen);
        assertTrue(seen.contains("stdin: /dev/null\n"), seen);
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            assertTrue(seen.contains("session leader: yes\n"), "a closed terminal must not stop it: " + seen);
        }
    }

    @Test
    void aFailedStartSaysTheServersOneLineErrorAndRemovesItsOwnLog() throws Exception {
        Path log = tmp.resolve("add-2.log");
        ServerLauncher launcher = launcher("echo 'INFO starting' >&2\n"
                + "echo 'ublk-s3: the bucket is gone: create it' >&2\n"
                + "echo 'INFO unwound' >&2\n"
                + "exit 3");
        assertEquals(3, start(launcher, ServerLauncher.superviseCommand(List.of("--size", "1G")), log, true));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        assertEquals("ublk-s3: the bucket is gone: create it\n", err.toString(StandardCharsets.UTF_8));
        assertFalse(Files.exists(log), "a failed add leaves nothing behind");
        assertTrue(seen().contains("args: supervise --size 1G\n"), seen());
    }

    @Test
    void aRecoverReadsOnlyWhatItsServerAddedToTheDevicesLogAndKeepsIt() throws Exception {
        Path log = tmp.resolve("3.log");
        Files.writeString(log, "ublk-s3: an old error of an earlier server\n");
        ServerLauncher launcher = launcher("echo 'ublk-s3: /dev/ublkb3 is gone' >&2; exit 1");
        List<String> recover = ServerLauncher.recoverCommand(3, List.of("--access-key", "K", "--secret-key", "S"));
        assertEquals(1, start(launcher, recover, log, false));
        assertEquals("ublk-s3: /dev/ublkb3 is gone\n", err.toString(StandardCharsets.UTF_8));
        assertTrue(Files.readString(log).startsWith("ublk-s3: an old error"), "the device's log stays");
        assertTrue(seen().contains("args: recover --number 3 --access-key K --secret-key S --foreground\n"), seen());
        assertTrue(seen().contains("log: none\n"), "N.log has its name already: " + seen());
    }

    @Test
    void aServerWithoutAOneLineErrorIsReportedWithItsLastWords() throws Exception {
        Path log = tmp.resolve("add-4.log");
        ServerLauncher noJvm = launcher("echo 'Error: Could not find or load main class X' >&2; exit 1");
        assertEquals(1, start(noJvm, List.of("add"), log, true));
        assertEquals(
                "ublk-s3: the server failed: 'Error: Could not find or load main class X' (see " + log + ")\n",
                err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(1, start(launcher("exit 0"), List.of("add"), log, true), "no device is a failure, exit 0 too");
        assertEquals(
                "ublk-s3: the server exited with code 0 before the device was live\n",
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void withoutALauncherTheServerRunsOnThisJvmWithNativeAccess() {
        List<String> command = new ServerLauncher(null).command(List.of("list"), false);
        assertEquals(
                List.of("-cp", System.getProperty("java.class.path"), UblkS3.class.getName(), "list"),
                command.subList(command.size() - 4, command.size()));
        assertTrue(command.stream().anyMatch(a -> a.startsWith("--enable-native-access")), command.toString());
        assertEquals(
                List.of("/path/ublk-s3", "del", "-n", "1"),
                new ServerLauncher("/path/ublk-s3").command(List.of("del", "-n", "1"), false));
    }

    @Test
    void aDetachedServerMovesItsLogSaysItsPathAndClosesStdout() throws Exception {
        Path started = Files.writeString(tmp.resolve("add-5.log"), "INFO starting\n");
        Path deviceLog = tmp.resolve("5.log");
        PrintStream stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
        ServerLauncher.announce(
                "/dev/ublkb5",
                deviceLog,
                stdout,
                Map.of(ServerLauncher.LOG_ENV, started.toString(), ServerLauncher.DETACHED_ENV, "1"));
        assertEquals("/dev/ublkb5\n", out.toString(StandardCharsets.UTF_8));
        assertEquals("INFO starting\n", Files.readString(deviceLog));
        assertFalse(Files.exists(started));
        stdout.println("later");
        assertTrue(stdout.checkError(), "stdout is closed: the starter has its answer");
    }

    @Test
    void aServerInATerminalKeepsItsStdout() {
        PrintStream stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
        ServerLauncher.announce("/dev/ublkb6", tmp.resolve("6.log"), stdout, Map.of());
        stdout.println("later");
        assertFalse(stdout.checkError());
        assertEquals("/dev/ublkb6\nlater\n", out.toString(StandardCharsets.UTF_8));
        assertFalse(Files.exists(tmp.resolve("6.log")));
        PrintStream supervised = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        ServerLauncher.announce(
                "/dev/ublkb6", tmp.resolve("6.log"), supervised, Map.of(ServerLauncher.DETACHED_ENV, "1"));
        supervised.println("later");
        assertTrue(supervised.checkError(), "a supervisor's server: its stdout is a pipe to the supervisor");
    }
}
