package dev.ublks3.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The device record's recovery fields and {@code recover}'s answers that need no kernel device. */
class RecoverCommandTest {

    private static final long DEAD_PID = 999_999_999L; // above any pid_max

    @TempDir
    Path tmp;

    private CommandRun run(String line) {
        return CommandRun.of(line, runDir());
    }

    private RunDirectory runDir() {
        return new RunDirectory(tmp.resolve("run"));
    }

    private static DeviceRecord record(String addLine, int devId, long pid) {
        AddOptions o = AddOptions.parse(Arrays.asList(addLine.split(" +")));
        return DeviceRecord.of(devId, pid, o, "http://127.0.0.1:9000", 2, 64);
    }

    @Test
    void recordKeepsWhatRecoverNeedsAndRebuildsTheSameOptions() throws Exception {
        AddOptions added = AddOptions.parse(List.of(
                "--size",
                "1G",
                "--bucket",
                "bkt",
                "--key",
                "vm/d0",
                "--object-size",
                "64K",
                "--endpoint-url",
                "http://10.0.0.1:9000",
                "--region",
                "eu-west-1",
                "--profile",
                "backup",
                "--logical-block-size",
                "4096",
                "--restart",
                "--retry-time",
                "90s"));
        DeviceRecord r = DeviceRecord.of(3, 42, added, "http://10.0.0.1:9000", 2, 64);
        DeviceRecord back = DeviceRecord.read(new StringReader(r.toString()));
        assertEquals(r, back);
        assertEquals("profile backup", back.credentials());
        AddOptions again = AddOptions.parse(back.addArguments());
        assertEquals(added.size(), again.size());
        assertEquals(added.objectSize(), again.objectSize());
        assertEquals(added.bucket(), again.bucket());
        assertEquals(added.key(), again.key());
        assertEquals(added.endpointUrl(), again.endpointUrl());
        assertEquals(added.region(), again.region());
        assertEquals(added.profile(), again.profile());
        assertEquals(4096, again.logicalBlockSize());
        assertEquals(2, again.queues());
        assertEquals(64, again.depth());
        assertEquals(3, again.devId());
        assertTrue(again.recovery());
        assertTrue(again.restart());
        assertEquals(Duration.ofSeconds(90), again.retryTime());
    }

    @Test
    void aRecordWithoutRetryTimeHasTheDefault() throws Exception {
        String old = record("--size 1G --bucket bkt", 1, 42).toString().replaceAll("(?m)^retry-time=.*\\R", "");
        assertFalse(old.contains("retry-time"), old);
        assertEquals(
                AddOptions.DEFAULT_RETRY_TIME,
                DeviceRecord.read(new StringReader(old)).retryTime());
    }

    @Test
    void secretsAreNeverWritten() throws Exception {
        DeviceRecord r = record(
                "--size 1G --bucket bkt --access-key AKIDEXAMPLE --secret-key s3cr3t --session-token t0k3n", 1, 42);
        String text = r.toString();
        assertFalse(text.contains("s3cr3t") || text.contains("t0k3n") || text.contains("AKIDEXAMPLE"), text);
        assertTrue(r.needsKeys());
        assertFalse(
                String.join(" ", r.addArguments()).matches(".*(access-key|secret-key|session-token).*"),
                r.addArguments().toString());
    }

    @Test
    void localAndNoRecoveryRoundTrip() throws Exception {
        DeviceRecord r = record("--size 1G --bucket bkt --local " + tmp + " --no-recovery", 0, 42);
        DeviceRecord back = DeviceRecord.read(new StringReader(r.toString()));
        assertEquals(DeviceRecord.CREDENTIALS_LOCAL, back.credentials());
        assertFalse(back.recovery());
        AddOptions again = AddOptions.parse(back.addArguments());
        assertEquals(tmp, again.localDir());
        assertFalse(again.recovery());
    }

    @Test
    void noPresenceRoundTripsAndAnOlderRecordListsAsBefore() throws Exception {
        DeviceRecord r = record("--size 1G --bucket bkt --no-presence", 0, 42);
        DeviceRecord back = DeviceRecord.read(new StringReader(r.toString()));
        assertFalse(back.presence());
        assertTrue(
                back.addArguments().contains("--no-presence"),
                back.addArguments().toString());
        assertFalse(AddOptions.parse(back.addArguments()).presence(), "recover keeps it");

        String older = record("--size 1G --bucket bkt", 1, 42).toString().replaceAll("(?m)^presence=.*\\R", "");
        assertTrue(DeviceRecord.read(new StringReader(older)).presence());
        assertFalse(record("--size 1G --bucket bkt", 1, 42).addArguments().contains("--no-presence"));
    }

    @Test
    void theCacheRoundTripsSoThatRecoverReopensIt() throws Exception {
        Path cache = java.nio.file.Files.createDirectories(tmp.resolve("cache"));
        DeviceRecord r = record(
                "--size 1G --bucket bkt --cache " + cache + " --cache-size 4G" + " --cache-mode writethrough", 2, 42);
        DeviceRecord back = DeviceRecord.read(new StringReader(r.toString()));
        assertEquals(r, back);
        assertEquals(new CacheSettings(cache, 4L << 30, dev.ublks3.storage.cache.CacheMode.WRITETHROUGH), back.cache());
        assertEquals(
                back.cache(), AddOptions.parse(back.addArguments()).cache(), "recover and the supervisor reopen it");

        DeviceRecord none = record("--size 1G --bucket bkt", 1, 42);
        assertNull(
                DeviceRecord.read(new StringReader(none.toString())).cache(), "a record from before caches has none");
        assertFalse(
                String.join(" ", none.addArguments()).contains("--cache"),
                none.addArguments().toString());
    }

    @Test
    void zombieOrMissingProcessIsDead() {
        assertTrue(DeviceRecord.alive(ProcessHandle.current().pid()));
        assertFalse(DeviceRecord.alive(DEAD_PID));
    }

    private void assertOneLineError(CommandRun r, int code, String expected) {
        assertEquals(code, r.code(), r.err());
        assertTrue(r.err().startsWith("ublk-s3: ") && r.err().contains(expected), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertEquals("", r.out());
    }

    @Test
    void badInputsAreOneLineNamingTheFix() {
        assertOneLineError(run("recover"), 2, "'recover' needs -n N");
        assertOneLineError(run("recover -n 7"), 1, "there is no ublk device 7: see 'ublk-s3 list'");
        assertOneLineError(run("recover -n 7 --colour blue"), 2, "unknown option");
        runDir().publish(record(
                "--size 1G --bucket bkt", 7, ProcessHandle.current().pid()));
        assertOneLineError(
                run("recover -n 7"),
                1,
                "(pid " + ProcessHandle.current().pid() + ") is still running: nothing to recover");
        runDir().publish(record("--size 1G --bucket bkt --access-key A --secret-key S", 7, DEAD_PID));
        assertOneLineError(
                run("recover -n 7"),
                2,
                "was added with --access-key/--secret-key, which are never stored: give them again");
        runDir().publish(record("--size 1G --bucket bkt", 7, DEAD_PID));
        assertOneLineError(
                run("recover -n 7 --access-key A --secret-key S"),
                2,
                "takes its credentials from default chain: leave out");
        if (!Devices.exists(7)) {
            assertOneLineError(run("recover -n 7"), 1, "/dev/ublkb7 is gone");
        }
    }

    @Test
    void theNameIsKeptAndFindsTheDevice() throws Exception {
        AddOptions named =
                AddOptions.parse(List.of("--size", "1G", "--bucket", "bkt")).withName("db.1");
        DeviceRecord r = DeviceRecord.of(7, ProcessHandle.current().pid(), named, "http://127.0.0.1:9000", 2, 64);
        assertEquals("db.1", DeviceRecord.read(new StringReader(r.toString())).name());
        assertFalse(r.addArguments().contains("--name"), "recover rebuilds from the record, not from the config file");
        runDir().publish(r);
        assertOneLineError(
                run("recover --name db.1"),
                1,
                "(pid " + ProcessHandle.current().pid() + ") is still running: nothing to recover");
        assertOneLineError(run("recover --name db.2"), 1, "there is no device named db.2: see 'ublk-s3 list'");
        assertOneLineError(
                run("recover --name db.1 -n 7"), 2, "options --name and --number of 'recover' exclude each other");
    }

    @Test
    void helpAndCommandList() {
        CommandRun r = run("recover --help");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("Usage: ublk-s3 recover"), r.out());
        assertTrue(UblkS3.HELP.contains("recover"));
    }
}
