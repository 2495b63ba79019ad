package dev.ublks3.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.storage.cache.CacheIdentity;
import dev.ublks3.storage.cache.CacheMode;
import dev.ublks3.storage.cache.CacheOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code add --cache DIR [--cache-size SIZE] [--cache-mode MODE]} and the config words: the defaults, what the
 * storage layer is given, whose cache it is, and each bad input as one line naming the fix, exit 2, nothing made.
 */
class CacheSettingsTest {

    @TempDir
    Path tmp;

    private AddOptions parse(String line) {
        return AddOptions.parse(
                Arrays.asList(line.replace("TMP", tmp.toString()).trim().split(" +")));
    }

    /** A foreground add of {@code extra}: a bad cache input must fail before the kernel is asked (no ublk here). */
    private CommandRun add(String extra) {
        return CommandRun.of(
                "add --foreground --size 1G --bucket bkt " + extra.replace("TMP", tmp.toString()),
                new RunDirectory(tmp.resolve("run")));
    }

    private void assertRefused(String extra, String message) {
        CommandRun r = add(extra);
        assertEquals(new CommandRun(2, "", "ublk-s3: " + message.replace("TMP", tmp.toString()) + "\n"), r);
        assertFalse(Files.exists(tmp.resolve("run")), "nothing made");
    }

    @Test
    void withoutCacheThereIsNone() {
        assertNull(parse("--size 1G --bucket bkt").cache());
    }

    @Test
    void theDefaultsAreOneGibibyteInWriteback() {
        CacheSettings c = parse("--size 50G --bucket bkt --cache TMP/c").cache();
        assertEquals(new CacheSettings(tmp.resolve("c"), CacheOptions.DEFAULT_BYTES, CacheMode.WRITEBACK), c);
        assertEquals(1L << 30, c.bytes());
        assertEquals(CacheOptions.of(tmp.resolve("c"), 1L << 30, CacheMode.WRITEBACK), c.options(50L << 30));
    }

    @Test
    void sizeAndModeAsGivenTheDirectoryAbsolute() {
        CacheSettings c = parse("--size 50G --bucket bkt --cache rel/../c --cache-size 10G --cache-mode READ")
                .cache();
        assertEquals(Path.of("c").toAbsolutePath(), c.dir(), "the server may run in another directory");
        assertEquals(10L << 30, c.bytes());
        assertEquals(CacheMode.READ, c.mode());
        assertEquals(
                CacheMode.WRITETHROUGH,
                parse("--size 1G --bucket bkt cache=TMP cache-mode=writethrough")
                        .cache()
                        .mode());
    }

    @Test
    void aCacheLargerThanTheDeviceHoldsTheDevice() {
        CacheSettings c = parse("--size 100M --bucket bkt --cache TMP").cache();
        assertEquals(100L << 20, c.options(100L << 20).bytes(), "no disk space for slots no object fills");
    }

    @Test
    void theConfigFileWordsGiveTheSame() throws Exception {
        Path etc = Files.createDirectories(tmp.resolve("etc"));
        Files.writeString(
                etc.resolve("db.conf"),
                "bucket bkt\nsize 1G\ncache " + tmp + "/c\ncache-size 2G\ncache-mode writethrough\n");
        Files.setPosixFilePermissions(etc.resolve("db.conf"), PosixFilePermissions.fromString("rw-------"));
        assertEquals(
                new CacheSettings(tmp.resolve("c"), 2L << 30, CacheMode.WRITETHROUGH),
                AddOptions.parse(List.of("--name", "db", "--config-dir", etc.toString()))
                        .cache());
    }

    @Test
    void theIdentityIsTheEndpointOrTheLocalFolderWithBucketKeyAndObjectSize() throws Exception {
        AddOptions remote = parse("--size 1G --bucket bkt --key vm/d0 --object-size 64K"
                + " --endpoint-url http://10.0.0.1:9000 --cache TMP");
        assertEquals(
                new CacheIdentity("http://10.0.0.1:9000 bkt", "vm/d0", 64 << 10),
                CacheSettings.identity(remote, "http://10.0.0.1:9000"));
        Path store = Files.createDirectories(tmp.resolve("store"));
        Files.createSymbolicLink(tmp.resolve("link"), store);
        AddOptions local = parse("--size 1G --bucket bkt --local TMP/link --cache TMP");
        assertEquals(
                new CacheIdentity(store.toRealPath() + " bkt", "disk", 128 << 10),
                CacheSettings.identity(local, "http://127.0.0.1:41234"),
                "not the port, which changes at every start");
    }

    @Test
    void eachBadInputIsOneLineNamingTheFix() throws Exception {
        Files.writeString(tmp.resolve("file"), "not a folder");
        assertRefused(
                "--cache-size 2G",
                "--cache-size has no use without --cache: give --cache DIR too, or leave --cache-size out");
        assertRefused(
                "--cache-mode read",
                "--cache-mode has no use without --cache: give --cache DIR too, or leave --cache-mode out");
        assertRefused(
                "--cache TMP --cache-size 1M",
                "--cache-size 1M is less than 16 objects of 128K: give at least"
                        + " 2M, such as --cache-size 1G (the default)");
        assertRefused(
                "--cache TMP --cache-size 0",
                "--cache-size 0 is less than 16 objects of 128K: give at least 2M,"
                        + " such as --cache-size 1G (the default)");
        assertRefused(
                "--cache TMP --object-size 32M --cache-size 256M",
                "--cache-size 256M is less than 16 objects of"
                        + " 32M: give at least 512M, such as --cache-size 1G (the default)");
        assertRefused(
                "--cache TMP --cache-size lots",
                "--cache-size 'lots' is not a size: give a whole number with an"
                        + " optional suffix k, M, G, T, P or E, such as 50G");
        assertRefused(
                "--cache TMP --cache-mode fast",
                "--cache-mode 'fast' is not a cache mode: use writeback (the" + " default), writethrough or read");
        assertRefused(
                "--cache-mode= --cache TMP",
                "--cache-mode '' is not a cache mode: use writeback (the default)," + " writethrough or read");
        assertRefused(
                "--cache TMP/missing",
                "--cache TMP/missing is not a directory: for a new cache, create it"
                        + " (mkdir -p TMP/missing) on a local disk; for an existing one, mount its disk");
        assertFalse(Files.exists(tmp.resolve("missing")), "a missing cache directory is not made");
        assertRefused(
                "--cache TMP/file",
                "--cache TMP/file is not a directory: for a new cache, create it"
                        + " (mkdir -p TMP/file) on a local disk; for an existing one, mount its disk");
        assertRefused(
                "--cache=",
                "--cache is empty: give a directory on a local disk for the cache, e.g. --cache"
                        + " /var/cache/ublk-s3/disk0");
        if (!"root".equals(System.getProperty("user.name"))) { // root may write anywhere
            Path readOnly = Files.createDirectories(tmp.resolve("ro"));
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-x------"));
            assertRefused(
                    "--cache TMP/ro", "--cache TMP/ro is not writable: fix its permissions or give another directory");
        }
    }

    @Test
    void oneCacheDirectoryPerDevice() throws Exception {
        Path cache = Files.createDirectories(tmp.resolve("c"));
        RunDirectory run = new RunDirectory(tmp.resolve("run"));
        run.publish(DeviceRecord.of(
                3,
                ProcessHandle.current().pid(),
                parse("--size 1G --bucket bkt --key a --cache TMP/c"),
                "http://127.0.0.1:9000",
                1,
                32));
        UsageException e = assertThrows(
                UsageException.class,
                () -> DeviceServer.refuseTaken(parse("--size 1G --bucket bkt --key b --cache TMP/./c"), run, false));
        assertEquals(
                "--cache " + cache + " is the cache of /dev/ublkb3 (pid "
                        + ProcessHandle.current().pid() + "): give each device its own --cache directory",
                e.getMessage());
        DeviceServer.refuseTaken(parse("--size 1G --bucket bkt --key b --cache TMP/d"), run, false);
        assertTrue(Files.exists(run.recordFile(3)));
    }
}
