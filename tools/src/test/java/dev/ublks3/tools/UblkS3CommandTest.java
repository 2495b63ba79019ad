package dev.ublks3.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The command's bad-input answers that need no kernel device: each is one line on stderr naming the problem and
 * the fix, nothing on stdout, a non-zero exit code, and no run file created. (Those that need the real kernel,
 * such as a missing bucket, are VM tests: tools/vm/tests/test_s3_04.sh.)
 */
class UblkS3CommandTest {

    @TempDir
    Path tmp;

    private CommandRun run(String line) {
        return CommandRun.of(line.replace("TMP", tmp.toString()), new RunDirectory(tmp.resolve("run")));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "add --size 1000K --bucket bkt --object-size 64K                | 2 | --size 1000K is not a multiple of --object-size 64K: use --size 960K or 1M",
                "add --size 1M --bucket bkt --object-size 48K                   | 2 | is not a power of two from 4K",
                "add --size 64M --bucket bkt --object-size 64M                  | 2 | is not a power of two from 4K to 32M",
                "add --size 1M --bucket bkt --object-size 2K                    | 2 | is not a power of two from 4K",
                "add --size 1M --bucket bkt --object-size 64K --depth 5000      | 2 | --depth 5000 is more than 4096: give 1..4096",
                "add --size 1M --bucket bkt --object-size 64K --queues 9999     | 2 | --queues 9999 is more than",
                "add --size 1M --bucket bkt --object-size 64K --local TMP/nope  | 2 | --local TMP/nope is not a directory: create it",
                "add --size 1M                                                  | 2 | 'add' needs --bucket",
                "add size=1M bucket=bkt colour=blue                             | 2 | unknown option 'colour=blue'",
                "del                                                            | 2 | 'del' needs -n N, --name NAME or --all",
                "del -n 7 --all                                                 | 2 | options --all and --number of 'del' exclude each other",
                "del --name db -n 7                                             | 2 | options --name and --number of 'del' exclude each other",
                "del --name db                                                  | 1 | there is no device named db: see 'ublk-s3 list'",
                "del --name ../db                                               | 2 | --name '../db' is not a device name",
                "stats --name db                                                | 1 | there is no device named db: see 'ublk-s3 list'",
                "recover --name db                                              | 1 | there is no device named db: see 'ublk-s3 list'",
                "add --name db --config-dir TMP                                 | 2 | no config file TMP/db.conf for --name db: create it",
                "unit-start                                                     | 2 | 'unit-start' needs --name NAME: give the device's name",
                "unit-start --name db --config-dir TMP                          | 2 | no config file TMP/db.conf for --name db: create it",
                "unit-stop                                                      | 2 | 'unit-stop' needs --name NAME",
                "unit-stop --name .db                                           | 2 | --name '.db' is not a device name",
                "del -n 7                                                       | 1 | there is no ublk device 7: see 'ublk-s3 list'",
                "del -n x                                                       | 2 | --number 'x' is not a whole number",
                "stats                                                          | 2 | 'stats' needs -n N",
                "stats -n 7                                                     | 1 | no ublk-s3 server serves /dev/ublkb7",
                "list extra                                                     | 2 | unexpected argument 'extra' for 'list'",
                "local-s3                                                       | 2 | 'local-s3' needs --dir DIR",
                "local-s3 --dir TMP/nope                                        | 2 | is not a writable directory",
                "local-s3 --dir TMP --port 70000                                | 2 | --port 70000 is not a TCP port",
                "frobnicate                                                     | 2 | unknown command 'frobnicate'",
            })
    void badInputIsOneLineNamingTheFix(String line, int code, String expected) {
        CommandRun r = run(line);
        String err = r.err();
        assertEquals(code, r.code(), err);
        assertTrue(err.startsWith("ublk-s3: "), err);
        assertTrue(err.contains(expected.replace("TMP", tmp.toString())), err);
        assertEquals(1, err.lines().count(), err);
        assertEquals("", r.out());
        assertTrue(
                !Files.exists(tmp.resolve("run")) || tmp.resolve("run").toFile().list().length == 0,
                "nothing left in the run directory");
    }

    @ParameterizedTest
    @ValueSource(strings = {"add", "del", "list", "stats", "local-s3", "unit-start", "unit-stop"})
    void everyCommandHasHelp(String command) {
        CommandRun r = run(command + " --help");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("Usage: ublk-s3 " + command), r.out());
        assertEquals("", r.err());
    }

    @Test
    void noCommandPrintsUsageAndFails() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = UblkS3.run(
                List.of(), new PrintStream(out), new PrintStream(new ByteArrayOutputStream()), new RunDirectory(tmp));
        assertEquals(UsageException.EXIT_USAGE, code);
        assertTrue(out.toString().contains("add     create /dev/ublkbN"));
    }

    @Test
    void namedDevicesAreListedAndFoundByName() {
        RunDirectory runDir = new RunDirectory(tmp.resolve("run"));
        AddOptions o = AddOptions.parse(List.of("--size", "1G", "--bucket", "bkt", "--retry-time", "90s"))
                .withName("db1");
        runDir.publish(DeviceRecord.of(77, 999_999_999L, o, "http://127.0.0.1:9000", 1, 8)); // no server, no device
        CommandRun list = run("list");
        assertEquals(0, list.code(), list.err());
        assertTrue(
                list.out()
                        .lines()
                        .findFirst()
                        .orElse("")
                        .matches("DEVICE +NAME +SIZE +OBJECT +RETRY +STATE +PID +BUCKET/KEY +ENDPOINT +CACHE"),
                list.out());
        assertTrue(
                list.out()
                        .lines()
                        .anyMatch(l -> l.matches("/dev/ublkb77 +db1 +1G +128K +90s +GONE .*s3://bkt/disk .* -")),
                list.out());
        CommandRun del = run("del --name db1");
        assertEquals(0, del.code(), del.err());
        assertTrue(del.out().contains("/dev/ublkb77: no such device; removed its stale record"), del.out());
        assertTrue(runDir.read(77).isEmpty());
    }

    @Test
    void listWithoutDevicesPrintsTheHeader() {
        CommandRun r = run("list");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("DEVICE"), r.out());
    }
}
