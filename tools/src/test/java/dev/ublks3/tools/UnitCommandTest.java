package dev.ublks3.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd unit's commands where no kernel device is needed: what unit-stop does with no device, and the order of
 * a stop (pools exported, then del). Their runs on a real device, the restart's recovery included, are
 * tools/vm/tests/test_config_01.sh.
 */
class UnitCommandTest {

    private static final long DEAD_PID = 999_999_999L; // above any pid_max

    @TempDir
    Path tmp;

    private RunDirectory run() {
        return new RunDirectory(tmp.resolve("run"));
    }

    private void publishNamed(String name, int devId, long pid) {
        AddOptions o =
                AddOptions.parse(List.of("--size", "1G", "--bucket", "bkt")).withName(name);
        run().publish(DeviceRecord.of(devId, pid, o, "http://127.0.0.1:9000", 1, 8));
    }

    @Test
    void stopWithoutADeviceHasNothingToDo() throws Exception {
        run().writePid("db", 12345);
        CommandRun r = CommandRun.of("unit-stop --name db", run());
        assertEquals(0, r.code(), r.err());
        assertEquals("db: no such device: nothing to stop\n", r.out());
        assertFalse(Files.exists(run().pidFile("db")), "the PID file goes too");
        publishNamed("db", 78, DEAD_PID); // a stale record: server and device gone
        assertEquals(
                "db: no such device: nothing to stop\n",
                CommandRun.of("unit-stop --name db", run()).out());
    }

    @Test
    void stopExportsThePoolsOnTheDeviceThenDeletesIt() throws Exception {
        Path calls = tmp.resolve("calls");
        Path zpool = tmp.resolve("zpool");
        Files.writeString(
                zpool,
                "#!/bin/sh\necho \"$*\" >>'" + calls + "'\n"
                        + "[ \"$1\" = list ] && printf 'tank\\t1G\\n\\t/dev/ublkb78p1\\t1G\\nother\\t1G\\n\\t/dev/sda1\\t1G\\n'\nexit 0\n");
        Files.setPosixFilePermissions(zpool, PosixFilePermissions.fromString("rwx------"));
        publishNamed("db", 78, ProcessHandle.current().pid()); // "served" by this process, which has no control socket
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ServeException e = org.junit.jupiter.api.Assertions.assertThrows(
                ServeException.class,
                () -> UnitCommand.stop(
                        List.of("--name", "db"),
                        run(),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new ZfsPools(zpool.toString(), tmp.resolve("no-module"))));
        assertEquals(List.of("list -H -v -P -L", "export tank"), Files.readAllLines(calls), "tank only, before del");
        assertEquals("/dev/ublkb78: exporting ZFS pool tank\n", out.toString(StandardCharsets.UTF_8));
        assertTrue(
                e.getMessage()
                        .startsWith("the server of /dev/ublkb78 (pid "
                                + ProcessHandle.current().pid() + ") does not answer"),
                "then del, which asks the server: " + e.getMessage());
    }

    @Test
    void startOfAGoodConfigWithoutTheDriverFailsAndWritesNoPidFile() throws Exception {
        assumeFalse(Files.exists(Path.of("/dev/ublk-control")), "this machine has the ublk driver");
        Path etc = Files.createDirectories(tmp.resolve("etc"));
        Files.writeString(etc.resolve("db.conf"), "bucket bkt\nsize 1G\nlocal " + tmp + "\n");
        CommandRun r = CommandRun.of("unit-start --name db --config-dir " + etc, run());
        assertEquals(1, r.code(), r.err());
        assertTrue(
                r.err()
                        .startsWith(
                                "ublk-s3: open /dev/ublk-control: ENOENT (no ublk control device): load the ublk driver"),
                r.err());
        assertEquals("", r.out());
        assertFalse(Files.exists(run().pidFile("db")));
    }
}
