package dev.ublks3.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** /etc/ublk-s3/NAME.conf read by {@code add --name NAME}: what it accepts. (What it refuses: BadInputMatrixTest.) */
class ConfigFileTest {

    @TempDir
    Path etc;

    private Path write(String name, String text) throws IOException {
        Path file = etc.resolve(name + ".conf");
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private AddOptions add(String line) {
        List<String> args = new ArrayList<>(Arrays.asList(line.split(" +")));
        args.addAll(List.of("--config-dir", etc.toString()));
        return AddOptions.parse(args);
    }

    @Test
    void theSameWordsAsAdd() throws IOException {
        write("backup", """
                # the nightly backups' pool
                bucket my-backups

                key hosts/db1
                   size 2G
                object-size=1M
                --region eu-west-1
                --profile=backup
                queues = 2
                depth 64
                logical-block-size 4096
                number 7
                retry-time 5m
                endpoint_url http://10.0.0.1:9000
                no-recovery
                no-presence
                """);
        AddOptions fromFile = add("--name backup");
        AddOptions fromCommandLine = AddOptions.parse(List.of(
                "--bucket",
                "my-backups",
                "--key",
                "hosts/db1",
                "--size",
                "2G",
                "--object-size",
                "1M",
                "--region",
                "eu-west-1",
                "--profile",
                "backup",
                "--queues",
                "2",
                "--depth",
                "64",
                "--logical-block-size",
                "4096",
                "-n",
                "7",
                "--retry-time",
                "5m",
                "--endpoint-url",
                "http://10.0.0.1:9000",
                "--no-recovery",
                "--no-presence"));
        assertEquals(fromCommandLine.withName("backup"), fromFile);
        assertEquals("backup", fromFile.name());
        assertEquals(URI.create("http://10.0.0.1:9000"), fromFile.endpointUrl());
        assertEquals(Duration.ofMinutes(5), fromFile.retryTime());
        assertFalse(fromFile.recovery());
        assertFalse(fromFile.presence());
        assertNull(AddOptions.parse(List.of("--size", "1G", "--bucket", "bkt")).name(), "no name without --name");
    }

    @Test
    void valuesAreTheRestOfTheLineAndCrLfIsFine() throws IOException {
        write("spaces", "bucket bkt\r\nsize 1G\r\nkey  backups/my disk #1  \r\nlocal /srv/s3 objects\r\n");
        AddOptions o = add("--name spaces");
        assertEquals("backups/my disk #1", o.key(), "inner spaces and # kept, outer spaces dropped");
        assertEquals(Path.of("/srv/s3 objects"), o.localDir());
    }

    @Test
    void theCommandLineAddsWhatTheFileLeavesOut() throws IOException {
        write("db", "bucket bkt\nsize 1G\n");
        AddOptions o = add("--name db --key other --restart --retry-time 15s -n 3 --foreground");
        assertEquals("other", o.key());
        assertTrue(o.restart());
        assertTrue(o.foreground());
        assertEquals(3, o.devId());
        assertEquals(Duration.ofSeconds(15), o.retryTime());
        assertEquals(1L << 30, o.size());
    }

    @Test
    void anEmptyFileLeavesEverythingToTheCommandLine() throws IOException {
        write("empty", "# nothing yet\n\n");
        assertEquals(1L << 30, add("--name empty --size 1G --bucket bkt").size());
    }

    @Test
    void aFileReadableByOthersIsFineWithoutSecrets() throws IOException {
        Path file = write("shared", "bucket bkt\nsize 1G\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals("bkt", add("--name shared").bucket());
    }

    @Test
    void theDefaultFolderIsEtcUblkS3() {
        assertEquals(Path.of("/etc/ublk-s3/db.conf"), ConfigFile.pathOf(ConfigFile.DEFAULT_DIR, "db"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "db",
                "db1",
                "DB_1",
                "pool.backup",
                "a-b",
                "_x",
                "0",
                "a234567890123456789012345678901234567890123456789012345678901234"
            })
    void goodNames(String name) {
        assertEquals(name, ConfigFile.checkName(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".db", "-db", "a/b", "..", "../etc/passwd", "a b", "db\n", "ä", "a@b", "a\\x2db"})
    void badNames(String name) {
        UsageException e = assertThrows(UsageException.class, () -> ConfigFile.checkName(name));
        assertTrue(
                e.getMessage().startsWith("--name '")
                        && e.getMessage().contains("' is not a device name: use 1 to 64 letters, digits"),
                e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        assertThrows(UsageException.class, () -> ConfigFile.checkName("a".repeat(65)));
    }
}
