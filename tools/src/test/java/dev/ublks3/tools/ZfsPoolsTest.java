package dev.ublks3.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which ZFS pools use a ublk device, from {@code zpool list -H -v -P -L}, and their export (zpool faked). */
class ZfsPoolsTest {

    /** zpool list -H -v -P -L: pool lines, then their vdevs' lines after a tab (with -H, at any depth). */
    private static final String LIST = String.join(
            "\n",
            "tank\t9.50G\t110K\t9.50G\t-\t-\t0%\t0%\t1.00x\tONLINE\t-",
            "\t/dev/ublkb0p1\t9.98G\t110K\t9.50G\t-\t-\t0%\t0.00%\t-\tONLINE",
            "mirrored\t1.88G\t300K\t1.87G\t-\t-\t0%\t0%\t1.00x\tONLINE\t-",
            "\tmirror-0\t1.88G\t300K\t1.87G\t-\t-\t0%\t0.01%\t-\tONLINE",
            "\t/dev/ublkb10p1\t-\t-\t-\t-\t-\t-\t-\t-\tONLINE",
            "\t/dev/ublkb11p1\t-\t-\t-\t-\t-\t-\t-\t-\tONLINE",
            "rpool\t19.9G\t8.43G\t11.4G\t-\t-\t33%\t42%\t1.00x\tONLINE\t-",
            "\t/dev/sda3\t19.9G\t8.43G\t11.4G\t-\t-\t33%\t42.3%\t-\tONLINE",
            "\tlogs\t-\t-\t-\t-\t-\t-\t-\t-\t-",
            "\t/dev/ublkb1\t-\t-\t-\t-\t-\t-\t-\t-\tONLINE",
            "");

    @TempDir
    Path tmp;

    @Test
    void poolsWithAVdevOnTheDeviceOrItsPartitions() {
        assertEquals(List.of("tank"), ZfsPools.poolsOn(LIST, 0));
        assertEquals(List.of("rpool"), ZfsPools.poolsOn(LIST, 1), "a whole-disk vdev, as a log device");
        assertEquals(List.of("mirrored"), ZfsPools.poolsOn(LIST, 10), "ublkb1 is not ublkb10");
        assertEquals(List.of("mirrored"), ZfsPools.poolsOn(LIST, 11));
        assertEquals(List.of(), ZfsPools.poolsOn(LIST, 2));
        assertEquals(List.of(), ZfsPools.poolsOn("", 0), "no pools imported");
    }

    /** A fake zpool: answers 'list' with {@code listOutput} and exit code {@code listCode}, logs every call. */
    private ZfsPools fake(String listOutput, int listCode, int exportCode, boolean moduleLoaded) throws IOException {
        Files.writeString(tmp.resolve("list.out"), listOutput);
        Path zpool = tmp.resolve("zpool");
        Files.writeString(
                zpool,
                "#!/bin/sh\n"
                        + "echo \"$*\" >>'" + tmp.resolve("calls") + "'\n"
                        + "case $1 in\n"
                        + "  list) cat '" + tmp.resolve("list.out") + "'; [ " + listCode + " -eq 0 ] ||"
                        + " { echo \"The ZFS modules cannot be auto-loaded.\" >&2; exit " + listCode + "; } ;;\n"
                        + "  export) [ " + exportCode
                        + " -eq 0 ] || { echo \"cannot export '$2': pool is busy\" >&2; exit " + exportCode + "; } ;;\n"
                        + "esac\n");
        Files.setPosixFilePermissions(zpool, PosixFilePermissions.fromString("rwx------"));
        Path module = tmp.resolve("sys-module-zfs");
        if (moduleLoaded) {
            Files.createDirectories(module);
        }
        return new ZfsPools(zpool.toString(), module);
    }

    private List<String> calls() throws IOException {
        return Files.exists(tmp.resolve("calls")) ? Files.readAllLines(tmp.resolve("calls")) : List.of();
    }

    @Test
    void listsThenExports() throws IOException {
        ZfsPools zfs = fake(LIST, 0, 0, true);
        assertEquals(List.of("tank"), zfs.using(0));
        zfs.export("tank");
        assertEquals(List.of("list -H -v -P -L", "export tank"), calls());
    }

    @Test
    void noZpoolCommandMeansNoPools() {
        assertEquals(List.of(), new ZfsPools(tmp.resolve("no-such-zpool").toString(), tmp.resolve("none")).using(0));
    }

    @Test
    void zpoolFailingWithoutTheModuleMeansNoPools() throws IOException {
        assertEquals(List.of(), fake("", 1, 0, false).using(0));
    }

    @Test
    void zpoolFailingWithTheModuleLoadedIsAnError() throws IOException {
        ServeException e =
                assertThrows(ServeException.class, () -> fake("", 1, 0, true).using(0));
        assertTrue(e.getMessage().startsWith("cannot tell which ZFS pools use /dev/ublkb0 ("), e.getMessage());
        assertTrue(
                e.getMessage()
                        .endsWith("list' failed: The ZFS modules cannot be auto-loaded.): export them by hand"
                                + " (zpool export POOL), then run this again"),
                e.getMessage());
    }

    @Test
    void aFailedExportSaysWhyAndWhatToDo() throws IOException {
        ServeException e =
                assertThrows(ServeException.class, () -> fake(LIST, 0, 1, true).export("tank"));
        assertTrue(
                e.getMessage()
                        .endsWith(" export tank' failed: cannot export 'tank': pool is busy: stop what uses the pool"
                                + " (its mounts, zvols), then run this again"),
                e.getMessage());
    }
}
