package dev.ublks3.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 6, item 4: every command and every option with bad values. Each answer is exactly one line on stderr that
 * names the problem (the option or word at fault) and a fix (an imperative such as use, give, run, see), nothing on
 * stdout, exit code 2 for a bad command line (1 for a well-formed request that cannot be served), and nothing
 * left in the run directory. What needs a real kernel or store is tools/vm/tests/test_badinput_01.sh.
 */
class BadInputMatrixTest {

    /** Words that say what to do. */
    private static final Pattern HINT =
            Pattern.compile("\\b(use|give|run|see|write|keep|create|load|stop|unmount|leave|remove|fix|make)\\b");

    /** A valid add, to which one bad part is added or in which one is replaced; in the foreground, so that a case
     * wrongly accepted fails here (no /dev/ublk-control, exit 1) instead of starting a background server. */
    private static final List<String> ADD = List.of("add", "--foreground", "--size", "1G", "--bucket", "bkt");

    @TempDir
    static Path tmp;

    private record Case(List<String> args, int code, String names) {
        @Override
        public String toString() {
            return String.join(
                    " ", args.stream().map(a -> a.isEmpty() ? "''" : a).toList());
        }
    }

    private static Case usage(String names, String... args) {
        return new Case(List.of(args), UsageException.EXIT_USAGE, names);
    }

    private static Case failure(String names, String... args) {
        return new Case(List.of(args), 1, names);
    }

    /** ADD with {@code extra} appended; an option of ADD given in extra with a value replaces ADD's value. */
    private static Case add(String names, String... extra) {
        List<String> args = new ArrayList<>(ADD);
        for (int i = 0; i < extra.length; i++) {
            int at = args.indexOf(extra[i]);
            if (at > 0 && List.of("--size", "--bucket").contains(extra[i]) && i + 1 < extra.length) {
                args.set(at + 1, extra[++i]);
            } else {
                args.add(extra[i]);
            }
        }
        return new Case(args, UsageException.EXIT_USAGE, names);
    }

    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    private static int configs;

    private static Path configDir() {
        return tmp.resolve("etc");
    }

    /** Writes a config file (mode 600 unless {@code mode} says otherwise); returns its name (a new one for null). */
    private static String conf(String name, String text, String... mode) {
        String n = name != null ? name : "c" + configs++;
        try {
            Files.createDirectories(configDir());
            Path file = configDir().resolve(n + ".conf");
            Files.writeString(file, text);
            Files.setPosixFilePermissions(
                    file, PosixFilePermissions.fromString(mode.length > 0 ? mode[0] : "rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n;
    }

    private static String confBytes(byte[] bytes) {
        String n = conf(null, "");
        try {
            Files.write(configDir().resolve(n + ".conf"), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n;
    }

    private static void chown(Path file, String user) {
        try {
            Files.setOwner(
                    file, file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<Arguments> cases() {
        List<Case> c = new ArrayList<>();
        // ---- add: sizes
        for (String v : List.of(
                "",
                " ",
                "-1G",
                "0",
                "0G",
                "abc",
                "1.5G",
                "1X",
                "1GB",
                "G",
                "99999999999999999999G",
                "99999999999999999999",
                "8E",
                "16E",
                "9223372036854775807",
                "1000K",
                "1000000",
                "4095")) {
            c.add(add("--size", "--size", v));
        }
        c.add(add("--object-size", "--size", "1M", "--object-size", "64M"));
        for (String v : List.of(
                "",
                "0",
                "-4K",
                "3K",
                "48K",
                "2K",
                "1",
                "512",
                "64M",
                "1G",
                "99999999999999999999G",
                "4X",
                "abc",
                "8E")) {
            c.add(add("--object-size", "--object-size", v));
        }
        // ---- add: counts
        for (String o : List.of("--queues", "--depth", "--logical-block-size", "--number")) {
            for (String v : List.of("", "-1", "x", "1.5", "99999999999", "2147483648", "0x10")) {
                c.add(add(o, o, v));
            }
        }
        c.add(add("--queues", "--queues", "0"));
        c.add(add("--queues", "--queues", "9999"));
        c.add(add("--depth", "--depth", "0"));
        c.add(add("--depth", "--depth", "4097"));
        c.add(add("--logical-block-size", "--logical-block-size", "0"));
        c.add(add("--logical-block-size", "--logical-block-size", "1024"));
        c.add(add("--logical-block-size", "--logical-block-size", "8192"));
        c.add(add("--number", "-n", "-3"));
        c.add(add("--number", "-n", "x"));
        // ---- add: durations
        for (String v : List.of(
                "",
                " ",
                "0",
                "0s",
                "0.0001ms",
                "500us",
                "-5s",
                "fast",
                "15",
                "15 s",
                "1e3s",
                "2d",
                "25h",
                "24.001h",
                "1441m",
                "99999999999999999999h",
                "15s,")) {
            c.add(add("--retry-time", "--retry-time", v));
        }
        c.add(add("--retry-time", "retry-time=0"));
        // ---- add: names and strings
        for (String v : List.of("", "ab", "a/b", "has space", "x".repeat(256))) {
            c.add(add("--bucket", "--bucket", v));
        }
        for (String o : List.of("--key", "--region", "--profile", "--local")) {
            c.add(add(o, o, ""));
            c.add(add(o, o, " "));
        }
        for (String v : List.of("", "ftp://x", "127.0.0.1:9000", "http://", "not a url", "http://[bad")) {
            c.add(add("--endpoint-url", "--endpoint-url", v));
        }
        c.add(add("--access-key", "--access-key", "", "--secret-key", "s"));
        c.add(add("--secret-key", "--access-key", "a", "--secret-key", ""));
        c.add(add("--session-token", "--access-key", "a", "--secret-key", "s", "--session-token", ""));
        c.add(add("--secret-key", "--access-key", "A"));
        c.add(add("--access-key", "--secret-key", "S"));
        c.add(add("--session-token", "--session-token", "T"));
        c.add(add("--local", "--local", "/d", "--endpoint-url", "http://h"));
        c.add(add("--local", "--local", "/d", "--profile", "p"));
        c.add(add("--local", "--local", "/d", "--access-key", "a", "--secret-key", "s"));
        c.add(add("--profile", "--profile", "p", "--access-key", "a", "--secret-key", "s"));
        c.add(add("--local", "--local", tmp.resolve("missing").toString()));
        c.add(add("--local", "--local", tmp.resolve("file").toString()));
        // ---- add: missing, repeated, unknown, junk
        c.add(usage("--size", "add"));
        c.add(usage("--size", "add", "--bucket", "bkt"));
        c.add(usage("--bucket", "add", "--size", "1G"));
        for (String o : List.of(
                "--size",
                "--bucket",
                "--key",
                "--object-size",
                "--endpoint-url",
                "--region",
                "--profile",
                "--local",
                "--queues",
                "--depth",
                "--logical-block-size",
                "--number",
                "-n",
                "--retry-time")) {
            c.add(add(o.equals("-n") ? "--number" : o, o)); // no value
        }
        c.add(add("--size", "--size=2G"));
        c.add(add("--bucket", "bucket=other"));
        c.add(add("--foreground", "--foreground"));
        c.add(add("--number", "-n", "1", "--number", "2"));
        c.add(add("--foreground", "--foreground=yes"));
        c.add(add("--bogus", "--bogus", "1"));
        c.add(add("--sise", "--sise", "1G"));
        c.add(add("-x", "-x"));
        c.add(add("-N", "-N", "1"));
        for (String w : List.of("colour=blue", "readonly=true", "-r", "readahead=on", "BUCKET=x", "size")) {
            c.add(add(w, w));
        }
        // ---- add: the cache
        c.add(add("--cache " + Path.of("on").toAbsolutePath() + " is not a directory", "cache=on"));
        c.add(add(
                "--cache " + tmp.resolve("missing") + " is not a directory: for a new cache, create it",
                "--cache",
                tmp.resolve("missing").toString()));
        c.add(add(
                "--cache " + tmp.resolve("file") + " is not a directory",
                "--cache",
                tmp.resolve("file").toString()));
        c.add(add("--cache is empty", "--cache", ""));
        c.add(add("--cache is empty", "--cache", " "));
        c.add(add("--cache-size has no use without --cache", "--cache-size", "1G"));
        c.add(add("--cache-mode has no use without --cache", "--cache-mode", "read"));
        c.add(add("--cache-size is empty", "--cache", tmp.toString(), "--cache-size", ""));
        for (String v : List.of("abc", "1.5G", "-1G", "1X")) {
            c.add(add("--cache-size '" + v + "'", "--cache", tmp.toString(), "--cache-size", v));
        }
        for (String v : List.of("0", "1M", "1")) {
            c.add(add(
                    "--cache-size " + v + " is less than 16 objects of 128K",
                    "--cache",
                    tmp.toString(),
                    "--cache-size",
                    v));
        }
        for (String v : List.of("", "fast", "write-back", "none")) {
            c.add(add("--cache-mode '" + v + "' is not a cache mode", "--cache", tmp.toString(), "--cache-mode", v));
        }
        c.add(add("option --cache of 'add' needs a value", "--cache"));
        c.add(add("option --cache is given twice", "--cache", tmp.toString(), "--cache", tmp.toString()));
        c.add(add("foreground=1", "foreground=1"));
        c.add(add("stray", "stray"));
        c.add(add("'-'", "-"));
        c.add(add("'--'", "--"));
        c.add(add("=1G", "=1G"));
        c.add(add("--size", "size="));
        // ---- add --name: the config file (tools/src/main/java/dev/ublks3/tools/ConfigFile.java)
        String etc = configDir().toString();
        for (String v : List.of("", " ", ".db", "-db", "a/b", "../etc/passwd", "a b", "x".repeat(65), "db\n", "ä")) {
            c.add(usage("--name", "add", "--foreground", "--name", v, "--config-dir", etc));
        }
        c.add(usage("--name", "add", "--foreground", "--name"));
        c.add(usage("--name", "add", "--foreground", "--name", "a", "--name", "b"));
        c.add(usage("--config-dir", "add", "--foreground", "--size", "1G", "--bucket", "bkt", "--config-dir", etc));
        c.add(usage("--config-dir", "add", "--foreground", "--name", "good", "--config-dir", ""));
        c.add(usage("absent.conf for --name absent", "add", "--foreground", "--name", "absent", "--config-dir", etc));
        c.add(usage("nowhere/db.conf", "add", "--foreground", "--name", "db", "--config-dir", etc + "/nowhere"));
        conf("good", "bucket bkt\nsize 1G\n");
        Path folder = configDir().resolve("folder.conf");
        folder.toFile().mkdirs();
        c.add(usage("folder.conf is not a file", "add", "--foreground", "--name", "folder", "--config-dir", etc));
        for (String[] bad : new String[][] {
            // {file text, what the one line must name}
            {"colour blue", ":1: unknown word 'colour'"},
            {"bucket bkt\nsize 1G\nreadonly", ":3: unknown word 'readonly'"},
            {"name other", ":1: unknown word 'name'"},
            {"config-dir /etc", ":1: unknown word 'config-dir'"},
            {"n 3", ":1: unknown word 'n'"},
            {"-n 3", ":1: unknown word '-n'"},
            {"=5", ":1: unknown word '=5'"},
            {"--", ":1: unknown word '--'"},
            {"bucket bkt\nsize 1G\nforeground", ":3: 'foreground' says how to run"},
            {"bucket bkt\nsize 1G\nrestart", ":3: 'restart' says how to run"},
            {"bucket bkt\nsize 1G\naccess-key AKIDEXAMPLE", ":3: 'access-key' does not belong in a config file"},
            {"bucket bkt\nsize 1G\nsecret_key s3cr3t", ":3: 'secret-key' does not belong in a config file"},
            {"bucket bkt\nsize 1G\nsession-token t", ":3: 'session-token' does not belong in a config file"},
            {"bucket bkt\nsize 1G\n# again\nsize 2G", ":4: 'size' is given twice (also on line 2)"},
            {"bucket bkt\nsize=1G\n--size 1G", ":3: 'size' is given twice"},
            {"bucket bkt\nsize", ":2: 'size' needs a value"},
            {"bucket bkt\nsize 1G\nno-recovery yes", ":3: 'no-recovery' takes no value"},
            {"bucket bkt\nsize 1G\nno-recovery=", ":3: 'no-recovery' takes no value"},
            {"bucket bkt\nsize 1G\nno-presence on", ":3: 'no-presence' takes no value"},
            {"bucket bkt\nsize abc", ":2: size 'abc' is not a size"},
            {"bucket bkt\nsize 0", ":2: size 0 is no size"},
            {"bucket bkt\nsize=", ":2: size is empty"},
            {"bucket bkt\nsize 1G\nobject-size 3K", ":3: object-size 3K is not a power of two"},
            {"bucket a/b\nsize 1G", ":1: bucket 'a/b' is not a bucket name"},
            {"bucket bkt\nsize 1G\nkey =", ":3: key is empty"},
            {"bucket bkt\nsize 1G\nendpoint-url ftp://x", ":3: endpoint-url 'ftp://x' is not a URL"},
            {"bucket bkt\nsize 1G\nqueues 0", ":3: queues 0 must be at least 1"},
            {"bucket bkt\nsize 1G\ndepth 5000", ":3: depth 5000 is more than 4096"},
            {"bucket bkt\nsize 1G\nlogical-block-size 1024", ":3: logical-block-size 1024 is not supported"},
            {"bucket bkt\nsize 1G\nnumber -1", ":3: number -1 must not be negative"},
            {"bucket bkt\nsize 1G\nretry-time 0", ":3: retry-time 0 is too short"},
            {"bucket bkt\nsize 1G\nretry-time 2d", ":3: retry-time '2d' is not a duration"},
            {"bucket bkt\nsize 1G\nregion =", ":3: region is empty"},
            {"bucket bkt\nsize 1000K\nobject-size 64K", ".conf: --size 1000K is not a multiple of --object-size 64K"},
            {"size 1G", ".conf: 'add' needs --bucket"},
            {
                "bucket bkt\nsize 1G\nlocal /srv\nendpoint-url http://h",
                ".conf: options --endpoint-url and --local of 'add' exclude each other"
            },
            {"bucket bkt\nsize 1G\nrestart-time 1m", ":3: unknown word 'restart-time'"},
            {"bucket bkt\nsize 1G\ncache", ":3: 'cache' needs a value"},
            {"bucket bkt\nsize 1G\ncache =", ":3: cache is empty"},
            {
                "bucket bkt\nsize 1G\ncache /srv\ncache-mode fast",
                ":4: cache-mode 'fast' is not a cache mode: use writeback"
            },
            {"bucket bkt\nsize 1G\ncache /srv\ncache-size big", ":4: cache-size 'big' is not a size"},
            {"bucket bkt\nsize 1G\ncache-size 2G", ".conf: --cache-size has no use without --cache"},
            {
                "bucket bkt\nsize 1G\ncache /srv\ncache-size 1M",
                ".conf: --cache-size 1M is less than 16 objects of 128K: give at least 2M"
            },
        }) {
            c.add(usage(bad[1], "add", "--foreground", "--name", conf(null, bad[0]), "--config-dir", etc));
        }
        c.add(usage(
                "--size is given both on the command line and in " + etc + "/good.conf:2",
                "add",
                "--foreground",
                "--name",
                "good",
                "--config-dir",
                etc,
                "--size",
                "2G"));
        c.add(usage(
                "--bucket is given both",
                "add",
                "--foreground",
                "--size=2G",
                "bucket=other",
                "--name",
                "good",
                "--config-dir",
                etc));
        c.add(usage(
                "can be changed by other users (rw-rw----): make it writable by its owner only",
                "add",
                "--foreground",
                "--name",
                conf(null, "bucket bkt\nsize 1G", "rw-rw----"),
                "--config-dir",
                etc));
        c.add(usage(
                "can be changed by other users (rw-rw-rw-)",
                "add",
                "--foreground",
                "--name",
                conf(null, "bucket bkt\nsize 1G", "rw-rw-rw-"),
                "--config-dir",
                etc));
        c.add(usage(
                "is not UTF-8 text: write",
                "add",
                "--foreground",
                "--name",
                confBytes(new byte[] {'s', 'i', 'z', 'e', ' ', (byte) 0xff, '\n'}),
                "--config-dir",
                etc));
        if (ROOT) { // root reads every file; another user's file is refused instead
            String other = conf(null, "bucket bkt\nsize 1G");
            chown(configDir().resolve(other + ".conf"), "nobody");
            c.add(usage(
                    "belongs to user nobody, who could change what it serves: make root its owner",
                    "add",
                    "--foreground",
                    "--name",
                    other,
                    "--config-dir",
                    etc));
        } else {
            c.add(usage(
                    "(permission denied): run as root",
                    "add",
                    "--foreground",
                    "--name",
                    conf(null, "bucket bkt\nsize 1G", "-w-------"),
                    "--config-dir",
                    etc));
        }
        // ---- the unit's commands, --name for del, stats and recover, -n for del and stats
        c.add(usage("'unit-start' needs --name NAME", "unit-start"));
        c.add(usage("'unit-start' needs --name NAME", "unit-start", "--config-dir", etc));
        c.add(usage("--name", "unit-start", "--name", "../x"));
        c.add(usage("--name", "unit-start", "--name", ""));
        c.add(usage("absent.conf for --name absent", "unit-start", "--name", "absent", "--config-dir", etc));
        c.add(usage(
                ":1: unknown word 'colour'", "unit-start", "--name", conf(null, "colour blue"), "--config-dir", etc));
        c.add(usage("--bogus", "unit-start", "--name", "good", "--bogus"));
        c.add(usage("--config-dir", "unit-stop", "--name", "good", "--config-dir", etc));
        c.add(usage("'unit-stop' needs --name NAME", "unit-stop"));
        c.add(usage("--name", "unit-stop", "--name", "a/b"));
        c.add(usage("stray", "unit-stop", "--name", "good", "stray"));
        for (String command : List.of("del", "stats", "recover")) {
            c.add(usage("--name", command, "--name", ".x"));
            c.add(usage("--name", command, "--name"));
            c.add(usage("--name", command, "--name", "db", "-n", "1"));
            c.add(failure("there is no device named db", command, "--name", "db"));
        }
        for (String command : List.of("del", "stats")) {
            c.add(usage("--number", command, "-n"));
            c.add(usage("--number", command, "-n", ""));
            c.add(usage("--number", command, "-n", "-1"));
            c.add(usage("--number", command, "-n", "x"));
            c.add(usage("--number", command, "-n", "99999999999"));
            c.add(usage("--number", command, "-n", "1", "-n", "2"));
        }
        c.add(usage("--name", "del", "--name", "db", "--all"));
        // ---- del
        c.add(usage("'del'", "del"));
        c.add(usage("'del'", "del", "--force"));
        c.add(usage("--all", "del", "--all", "--all"));
        c.add(usage("--all", "del", "-n", "7", "--all"));
        c.add(usage("--all", "del", "--all=yes"));
        c.add(usage("--colour", "del", "--colour"));
        c.add(usage("extra", "del", "-n", "1", "extra"));
        c.add(usage("n=1", "del", "n=1"));
        c.add(failure("ublk device 77", "del", "-n", "77"));
        c.add(usage("--keep-dirty", "del", "-n", "1", "--keep-dirty=yes"));
        c.add(usage("--keep-dirty", "del", "-n", "1", "--keep-dirty", "--keep-dirty"));
        // ---- sync
        c.add(usage("'sync' needs -n N or --name NAME", "sync"));
        c.add(usage("'sync' needs -n N or --name NAME", "sync", "--timeout", "1m"));
        c.add(usage("--number", "sync", "-n"));
        c.add(usage("--number", "sync", "-n", "x"));
        c.add(usage("--number", "sync", "-n", "-1"));
        c.add(usage("--name", "sync", "--name", ".x"));
        c.add(usage("--name", "sync", "--name", "db", "-n", "1"));
        c.add(usage("--timeout 'x' is not a duration", "sync", "-n", "1", "--timeout", "x"));
        c.add(usage("--timeout '5' is not a duration", "sync", "-n", "1", "--timeout", "5"));
        c.add(usage("--timeout 200h is longer than 168h", "sync", "-n", "1", "--timeout", "200h"));
        c.add(usage("--timeout", "sync", "-n", "1", "--timeout"));
        c.add(usage("--all", "sync", "--all"));
        c.add(usage("extra", "sync", "-n", "1", "extra"));
        c.add(failure("no ublk-s3 server serves /dev/ublkb77", "sync", "-n", "77"));
        c.add(failure("there is no device named db", "sync", "--name", "db"));
        // ---- list
        c.add(usage("extra", "list", "extra"));
        c.add(usage("--json", "list", "--json"));
        c.add(usage("-n", "list", "-n", "1"));
        c.add(usage("x=1", "list", "x=1"));
        // ---- stats
        c.add(usage("'stats'", "stats"));
        c.add(usage("'stats'", "stats", "--json"));
        c.add(usage("--json", "stats", "-n", "1", "--json=yes"));
        c.add(usage("--all", "stats", "--all"));
        c.add(usage("extra", "stats", "-n", "1", "extra"));
        c.add(failure("/dev/ublkb77", "stats", "-n", "77"));
        // ---- local-s3 (its options are another module's; the checks here are those of the command line)
        c.add(usage("'local-s3'", "local-s3"));
        c.add(usage("--dir", "local-s3", "--dir"));
        c.add(usage("--dir", "local-s3", "--dir", tmp.resolve("missing").toString()));
        c.add(usage("--memory", "local-s3", "--dir", tmp.toString(), "--memory"));
        c.add(usage("--port", "local-s3", "--memory", "--port", "x"));
        c.add(usage("--port", "local-s3", "--memory", "--port", "-1"));
        c.add(usage("--port", "local-s3", "--memory", "--port", "70000"));
        c.add(usage("--port", "local-s3", "--memory", "--port", "99999999999"));
        c.add(usage("--latency", "local-s3", "--memory", "--latency", "x"));
        c.add(usage("--latency", "local-s3", "--memory", "--latency", "61s"));
        c.add(usage("--bandwidth", "local-s3", "--memory", "--bandwidth", "0"));
        c.add(usage("--bandwidth", "local-s3", "--memory", "--bandwidth", "fast"));
        c.add(usage("--bogus", "local-s3", "--memory", "--bogus"));
        c.add(usage("stray", "local-s3", "--memory", "stray"));
        // ---- no such command
        c.add(usage("'frobnicate'", "frobnicate"));
        c.add(usage("'--size'", "--size", "1G"));
        return c.stream().map(x -> Arguments.of(x.toString(), x));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void oneLineNamingTheProblemAndTheFix(String line, Case c) throws Exception {
        Files.writeString(tmp.resolve("file"), "not a folder");
        Path runDir = tmp.resolve("run-" + Integer.toHexString(line.hashCode()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = UblkS3.run(
                new ArrayList<>(c.args()),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                new RunDirectory(runDir));
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(c.code(), code, e);
        assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing on stdout");
        assertEquals(1, e.lines().count(), "exactly one line: " + e);
        assertTrue(e.endsWith("\n") && e.startsWith("ublk-s3: "), e);
        assertTrue(e.contains(c.names()), "names " + c.names() + ": " + e);
        assertTrue(HINT.matcher(e.toLowerCase(Locale.ROOT)).find(), "says what to do: " + e);
        assertTrue(!Files.exists(runDir) || runDir.toFile().list().length == 0, "run directory left empty");
    }
}
