package dev.ublks3.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's choice of the AOT cache (bin/launch.sh, sourced by bin/ublk-s3 in the project and in a snapshot):
 * the server's cache for the commands that serve, the client's for the others, and either only while the stamp
 * still matches the JDK and every jar, because the JVM itself accepts a jar rebuilt at the same size and would run
 * the classes of the old one. The folders here hold stand-ins for the jars and the JDK: what is checked is the java
 * command line, not a JVM start (tools/bin/aot-cache proves with -XX:AOTMode=on that the JVM maps the caches it
 * made, and the VM suite's time that the tests use them). And the snapshots (bin/snapshot): the project's own
 * launcher in a copy of the build that runs on the JDK it was made with, wherever it is copied or linked to.
 */
class LauncherTest {

    private static final Path LAUNCH =
            Path.of("bin", "launch.sh"); // the tools module's folder is the working directory
    private static final Path LAUNCHER = Path.of("bin", "ublk-s3");
    private static final Path SNAPSHOT = Path.of("bin", "snapshot");

    @TempDir
    Path tmp;

    private Path jdk;
    private Path dir;

    @BeforeEach
    void folders() throws Exception {
        jdk = Files.createDirectories(tmp.resolve("jdk"));
        Files.createDirectories(jdk.resolve("lib/server"));
        Files.writeString(jdk.resolve("lib/modules"), "modules");
        Files.writeString(jdk.resolve("lib/server/libjvm.so"), "libjvm");
        Files.writeString(jdk.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_RUNTIME_VERSION=\"25.0.1+8-LTS\"\n");
        dir = Files.createDirectories(tmp.resolve("cmd"));
        Files.createDirectories(dir.resolve("lib"));
        Files.writeString(dir.resolve("tools.jar"), "tools");
        Files.writeString(dir.resolve("lib/storage-1.jar"), "storage 1");
        Files.writeString(dir.resolve("lib/aws-2.jar"), "aws");
        Files.createDirectories(dir.resolve("aot"));
        Files.writeString(dir.resolve("aot/server.aot"), "server cache");
        Files.writeString(dir.resolve("aot/client.aot"), "client cache");
        // made after the jars, as tools/bin/aot-cache makes them (files written within a clock tick share their time)
        for (String cache : List.of("aot/server.aot", "aot/client.aot")) {
            Files.setLastModifiedTime(dir.resolve(cache), FileTime.fromMillis(System.currentTimeMillis() + 2_000));
        }
        Files.writeString(
                dir.resolve("aot/stamp"),
                run(". \"$LAUNCH\"; ublks3_aot_stamp \"$DIR\"; echo \"$UBLKS3_AOT_STAMP\"", Map.of()));
    }

    /** The java command line the launcher builds for {@code folder} and the command {@code ARGS}, one word a line. */
    private List<String> javaCommand(Path folder, Map<String, String> env, String... args) throws Exception {
        return run(
                        ". \"$LAUNCH\"; ublks3_kind \"$@\"; ublks3_jvm \"$DIR\" \"$UBLKS3_MAIN\" \"$UBLKS3_KIND\"; printf '%s\\n' \"${UBLKS3_JVM[@]}\"",
                        Map.of("DIR", folder.toString()), env, args)
                .lines()
                .toList();
    }

    private String run(String script, Map<String, String> env) throws Exception {
        return run(script, Map.of("DIR", dir.toString()), env);
    }

    private String run(String script, Map<String, String> vars, Map<String, String> env, String... args)
            throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("bash", "-c", script, "launch-test"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("LAUNCH", LAUNCH.toAbsolutePath().toString());
        pb.environment().put("JAVA_HOME", jdk.toString());
        pb.environment().remove("UBLKS3_JAVA_OPTS");
        pb.environment().putAll(vars);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static boolean usesCache(List<String> command, Path folder) {
        return command.stream().anyMatch(w -> w.startsWith("-XX:AOTCache=" + folder.resolve("aot")));
    }

    @Test
    void serversGetTheServerCacheEveryOtherCommandTheClientCache() throws Exception {
        Path server = dir.resolve("aot/server.aot");
        Path client = dir.resolve("aot/client.aot");
        assertTrue(javaCommand(dir, Map.of(), "add", "--size", "1G", "--foreground")
                .contains("-XX:AOTCache=" + server));
        assertTrue(
                javaCommand(dir, Map.of(), "recover", "-n", "3", "--foreground").contains("-XX:AOTCache=" + server));
        assertTrue(javaCommand(dir, Map.of(), "local-s3", "--memory").contains("-XX:AOTCache=" + server));
        for (List<String> args : List.<List<String>>of(
                List.of("add", "--size", "1G"),
                List.of("list"),
                List.of("del", "-n", "3"),
                List.of("supervise", "--size", "1G"),
                List.of())) {
            List<String> command = javaCommand(dir, Map.of(), args.toArray(String[]::new));
            assertTrue(command.contains("-XX:AOTCache=" + client), args + ": " + command);
        }
    }

    @Test
    void serversLoadTheCrtLibraryTakenOutWithTheCaches() throws Exception {
        assertTrue(
                javaCommand(dir, Map.of(), "local-s3").stream().noneMatch(w -> w.startsWith("-Djava.library.path=")));
        Files.createDirectories(dir.resolve("aot/native"));
        Files.writeString(dir.resolve("aot/native/libaws-crt-jni.so"), "crt");
        assertTrue(javaCommand(dir, Map.of(), "local-s3").contains("-Djava.library.path=" + dir.resolve("aot/native")));
        assertTrue(javaCommand(dir, Map.of(), "list").stream().noneMatch(w -> w.startsWith("-Djava.library.path=")));
        Path jar = dir.resolve("lib/aws-2.jar"); // a new CRT jar: its own library, extracted by the CRT itself
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        assertTrue(
                javaCommand(dir, Map.of(), "local-s3").stream().noneMatch(w -> w.startsWith("-Djava.library.path=")));
    }

    @Test
    void aCurrentCacheIsGivenWithItsComplaintsSilenced() throws Exception {
        List<String> command = javaCommand(dir, Map.of());
        assertTrue(usesCache(command, dir), command.toString());
        assertTrue(command.contains("-Xlog:aot*=off,cds*=off"), command.toString());
        assertEquals(
                List.of("-cp", dir + "/tools.jar:" + dir + "/lib/*", "dev.ublks3.tools.UblkS3"),
                command.subList(command.size() - 3, command.size()));
    }

    @Test
    void moreClassPathComesAfterTheJarsWhereTheCacheStillFits() throws Exception {
        String bench = "dev.ublks3.bench.RawPutThroughput";
        List<String> command = run(
                        ". \"$LAUNCH\"; ublks3_jvm \"$DIR\" " + bench + " server \"$DIR/bench\";"
                                + " printf '%s\\n' \"${UBLKS3_JVM[@]}\"",
                        Map.of())
                .lines()
                .toList();
        assertTrue(command.contains("-XX:AOTCache=" + dir.resolve("aot/server.aot")), command.toString());
        assertEquals(
                List.of("-cp", dir + "/tools.jar:" + dir + "/lib/*:" + dir + "/bench", bench),
                command.subList(command.size() - 3, command.size()));
    }

    @Test
    void aJarRebuiltAtTheSameSizeDisablesIt() throws Exception {
        Path jar = dir.resolve("lib/storage-1.jar");
        Files.writeString(jar, "storage 2"); // same length, other classes
        Files.setLastModifiedTime(
                jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 5_000));
        List<String> command = javaCommand(dir, Map.of());
        assertFalse(usesCache(command, dir), command.toString());
        assertTrue(command.contains("dev.ublks3.tools.UblkS3"), command.toString());
    }

    @Test
    void anAddedOrRemovedJarDisablesIt() throws Exception {
        Files.writeString(dir.resolve("lib/extra-1.jar"), "extra");
        assertFalse(usesCache(javaCommand(dir, Map.of()), dir));
        Files.delete(dir.resolve("lib/extra-1.jar"));
        assertTrue(usesCache(javaCommand(dir, Map.of()), dir));
        Files.delete(dir.resolve("lib/aws-2.jar"));
        assertFalse(usesCache(javaCommand(dir, Map.of()), dir));
    }

    @Test
    void anotherOrUpdatedJdkDisablesIt() throws Exception {
        Files.writeString(jdk.resolve("release"), "JAVA_RUNTIME_VERSION=\"25.0.2+10-LTS\"\n"); // an update in place
        assertFalse(usesCache(javaCommand(dir, Map.of()), dir));
        Files.writeString(jdk.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_RUNTIME_VERSION=\"25.0.1+8-LTS\"\n");
        assertTrue(usesCache(javaCommand(dir, Map.of()), dir));
        Files.writeString(jdk.resolve("lib/modules"), "modules rebuilt"); // a class library newer than the cache
        Files.setLastModifiedTime(jdk.resolve("lib/modules"), FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        assertFalse(usesCache(javaCommand(dir, Map.of()), dir));
        Files.setLastModifiedTime(jdk.resolve("lib/modules"), FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        Path other = Files.createDirectories(tmp.resolve("other-jdk/lib/server"));
        assertFalse(usesCache(
                javaCommand(
                        dir, Map.of("JAVA_HOME", other.getParent().getParent().toString())),
                dir));
    }

    @Test
    void noStampOrNoCacheMeansNoCache() throws Exception {
        Files.delete(dir.resolve("aot/client.aot"));
        assertFalse(usesCache(javaCommand(dir, Map.of()), dir));
        Files.writeString(dir.resolve("aot/client.aot"), "client cache");
        Files.delete(dir.resolve("aot/stamp"));
        assertFalse(usesCache(javaCommand(dir, Map.of()), dir));
    }

    @Test
    void aCopyKeepingTimesKeepsItsCache() throws Exception {
        Path copy = copyKeepingTimes(dir, tmp.resolve("elsewhere/cmd"));
        assertTrue(usesCache(javaCommand(copy, Map.of()), copy));
        // a copy that gives every file one time (an archive unpacked with a fixed time) is not trusted
        FileTime one = FileTime.fromMillis(System.currentTimeMillis() + 10_000);
        Path plain = tmp.resolve("plain");
        Files.createDirectories(plain.resolve("lib"));
        Files.createDirectories(plain.resolve("aot"));
        for (String f : List.of("tools.jar", "lib/storage-1.jar", "lib/aws-2.jar", "aot/client.aot", "aot/stamp")) {
            Files.copy(dir.resolve(f), plain.resolve(f));
            Files.setLastModifiedTime(plain.resolve(f), one);
        }
        assertFalse(usesCache(javaCommand(plain, Map.of()), plain));
    }

    @Test
    void userOptionsComeAfterTheCachesSoTheyCanTurnItsLogsBackOn() throws Exception {
        List<String> command = javaCommand(dir, Map.of("UBLKS3_JAVA_OPTS", "-Xlog:aot -XX:+UseSerialGC"));
        int silenced = command.indexOf("-Xlog:aot*=off,cds*=off");
        assertTrue(silenced > 0 && command.indexOf("-Xlog:aot") > silenced, command.toString());
        assertTrue(command.indexOf("-XX:+UseSerialGC") < command.indexOf("-cp"), command.toString());
    }

    /** Makes the stand-in JDK one that find-jdk.sh accepts, whose java prints the launcher and its command line. */
    private void runnableJdk() throws Exception {
        Files.createDirectories(jdk.resolve("bin"));
        Files.writeString(
                jdk.resolve("bin/java"), "#!/bin/sh\nprintf '%s\\n' \"launcher=$UBLKS3_LAUNCHER\" \"$0\" \"$@\"\n");
        Files.writeString(jdk.resolve("bin/javac"), "#!/bin/sh\n");
        for (String tool : List.of("bin/java", "bin/javac")) {
            Files.setPosixFilePermissions(jdk.resolve(tool), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"25.0.1\"\n", StandardOpenOption.APPEND);
    }

    /** bin/snapshot of the stand-in build, made on the stand-in JDK. */
    private Path snapshot(Path dest) throws Exception {
        output(
                Path.of("").toAbsolutePath(),
                jdk.toString(),
                SNAPSHOT.toAbsolutePath().toString(),
                dest.toString(),
                dir.toString());
        return dest;
    }

    /** {@code cp -a from to} (into a new folder): the copy keeps the files' times. */
    private static Path copyKeepingTimes(Path from, Path to) throws Exception {
        Files.createDirectories(to.getParent());
        Process cp = new ProcessBuilder("cp", "-a", from.toString(), to.toString())
                .inheritIO()
                .start();
        assertEquals(0, cp.waitFor());
        return to;
    }

    /** What {@code command} prints, run in {@code cwd} with JAVA_HOME {@code javaHome}. */
    private static List<String> output(Path cwd, String javaHome, String... command) throws Exception {
        ProcessBuilder pb =
                new ProcessBuilder(command).directory(cwd.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("JAVA_HOME", javaHome);
        pb.environment().remove("UBLKS3_JAVA_OPTS");
        pb.environment().remove("UBLKS3_LAUNCHER");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    @Test
    void aSnapshotRunsItsCopyWithTheProjectsOwnLauncherOnTheJdkItWasMadeWith() throws Exception {
        runnableJdk();
        Path snapshot = snapshot(tmp.resolve("snap/cmd"));
        assertEquals(Files.readString(LAUNCHER), Files.readString(snapshot.resolve("ublk-s3")), "one launcher");
        assertEquals(Files.readString(LAUNCH), Files.readString(snapshot.resolve("launch.sh")));
        // another JAVA_HOME when it runs: the snapshot's JDK still, which its AOT caches were made on
        List<String> list =
                output(tmp, "/nonexistent", snapshot.resolve("ublk-s3").toString(), "list");
        assertEquals("launcher=" + snapshot.resolve("ublk-s3"), list.get(0));
        assertEquals(jdk.resolve("bin/java").toString(), list.get(1));
        assertTrue(list.contains("-XX:AOTCache=" + snapshot.resolve("aot/client.aot")), list.toString());
        assertTrue(list.contains("-Xint"), list.toString());
        assertEquals(
                List.of("-cp", snapshot + "/tools.jar:" + snapshot + "/lib/*", "dev.ublks3.tools.UblkS3", "list"),
                list.subList(list.size() - 4, list.size()));
    }

    @Test
    void aSnapshotCopiedOnOrLinkedToRunsFromWhereItIs() throws Exception {
        runnableJdk();
        Path snapshot = snapshot(tmp.resolve("snap/cmd"));
        Path moved = copyKeepingTimes(snapshot, tmp.resolve("guest/cmd"));
        List<String> server =
                output(moved.getParent(), "/nonexistent", "cmd/ublk-s3", "add", "--size", "1G", "--foreground");
        assertEquals("launcher=" + moved.resolve("ublk-s3"), server.get(0), "what it starts goes through the copy");
        assertTrue(server.contains("-XX:AOTCache=" + moved.resolve("aot/server.aot")), server.toString());
        assertTrue(!server.contains("-Xint"), server.toString());
        Path link = Files.createDirectories(tmp.resolve("usr/bin")).resolve("ublk-s3");
        Files.createSymbolicLink(link, moved.resolve("ublk-s3"));
        List<String> linked = output(tmp, "/nonexistent", link.toString(), "list");
        assertEquals("launcher=" + moved.toRealPath().resolve("ublk-s3"), linked.get(0));
        Path cache = moved.toRealPath().resolve("aot/client.aot");
        assertTrue(linked.contains("-XX:AOTCache=" + cache), linked.toString());
    }

    @Test
    void aSnapshotOfNoBuildIsRefusedInOneLine() throws Exception {
        runnableJdk();
        ProcessBuilder pb = new ProcessBuilder(
                        SNAPSHOT.toAbsolutePath().toString(),
                        tmp.resolve("s").toString(),
                        tmp.resolve("nothing").toString())
                .redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", jdk.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, p.waitFor());
        assertEquals(
                "snapshot: the ublk-s3 command is not built in " + tmp.resolve("nothing")
                        + ": run 'tools/bin/mvn -pl tools -am package' first\n",
                out);
        assertFalse(Files.exists(tmp.resolve("s")));
    }
}
