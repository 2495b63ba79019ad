package dev.ublks3.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddOptionsTest {

    private static AddOptions parse(String line) {
        return AddOptions.parse(
                line.isBlank() ? List.of() : Arrays.asList(line.trim().split(" +")));
    }

    @Test
    void longOptionsAndDefaults() {
        AddOptions o = parse("--size 50G --bucket my-backups");
        assertEquals(50L << 30, o.size());
        assertEquals("my-backups", o.bucket());
        assertEquals(AddOptions.DEFAULT_KEY, o.key());
        assertEquals(AddOptions.DEFAULT_OBJECT_SIZE, o.objectSize());
        assertEquals(AddOptions.DEFAULT_DEPTH, o.depth());
        assertEquals(Math.min(Runtime.getRuntime().availableProcessors(), 4), o.queues());
        assertEquals(512, o.logicalBlockSize());
        assertEquals(-1, o.devId());
        assertNull(o.endpointUrl());
        assertFalse(o.foreground());
        assertTrue(o.recovery(), "devices are recoverable by default");
        assertFalse(o.restart());
        assertEquals(Duration.ofSeconds(60), o.retryTime());
        assertTrue(o.presence(), "partial writes trust a LIST for absent objects by default");
    }

    @Test
    void noPresenceTurnsTheListingOff() {
        assertFalse(parse("--size 1G --bucket bkt --no-presence").presence());
        UsageException e = assertThrows(UsageException.class, () -> parse("--size 1G --bucket bkt --no-presence=yes"));
        assertTrue(e.getMessage().contains("--no-presence"), e.getMessage());
    }

    @Test
    void theDefaultDepthKeepsTheQueuesBuffersWithin512MiB() {
        assertEquals(128, AddOptions.defaultDepth(4, 1 << 20));
        assertEquals(128, AddOptions.defaultDepth(1, 4096));
        assertEquals(8, AddOptions.defaultDepth(2, 32 << 20));
        assertEquals(4, AddOptions.defaultDepth(4, 32 << 20));
        assertEquals(32, AddOptions.defaultDepth(4, 4 << 20));
        assertEquals(1, AddOptions.defaultDepth(4096, 32 << 20), "at least one");
        AddOptions big = parse("--size 64M --bucket bkt --object-size 32M --queues 2");
        assertEquals(8, big.depth());
        assertEquals(512L << 20, (long) big.queues() * big.depth() * big.objectSize());
        assertEquals(
                100,
                parse("--size 64M --bucket bkt --object-size 32M --queues 2 --depth 100")
                        .depth(),
                "a depth given is kept");
    }

    @ParameterizedTest
    @CsvSource({
        "--retry-time 15s,   PT15S",
        "--retry-time 2m,    PT2M",
        "--retry-time 500ms, PT0.5S",
        "--retry-time 1.5s,  PT1.5S",
        "retry-time=24h,     PT24H",
        "--retry-time 1ms,   PT0.001S",
    })
    void retryTimeSpellings(String option, Duration expected) {
        assertEquals(expected, parse("--size 1G --bucket bkt " + option).retryTime());
    }

    @Test
    void recoveryOptions() {
        assertFalse(parse("--size 1G --bucket bkt --no-recovery").recovery());
        AddOptions restart = parse("--size 1G --bucket bkt --restart");
        assertTrue(restart.restart());
        assertTrue(restart.recovery());
        UsageException e =
                assertThrows(UsageException.class, () -> parse("--size 1G --bucket bkt --restart --no-recovery"));
        assertTrue(e.getMessage().contains("--no-recovery and --restart"), e.getMessage());
    }

    @Test
    void nbdkitWordsMeanTheSame() {
        AddOptions words = parse(
                "size=10G bucket=b1x key=vm/disk0 object-size=4K endpoint-url=http://127.0.0.1:9000 access_key=A secret-key=S");
        AddOptions longs = parse(
                "--size 10G --bucket=b1x --key vm/disk0 --object-size 4K --endpoint-url http://127.0.0.1:9000 --access-key A --secret-key S");
        assertEquals(longs, words);
        assertEquals(URI.create("http://127.0.0.1:9000"), words.endpointUrl());
        assertEquals("vm/disk0", words.key());
        assertEquals(4096, words.objectSize());
    }

    @Test
    void everyOption() {
        AddOptions o = parse("--size 1G --bucket bkt --key k/ --object-size 1M --region eu-west-1 --profile p "
                + "--queues 2 --depth 64 --logical-block-size 4096 -n 7 --foreground");
        assertEquals("k/", o.key(), "key is used exactly as given");
        assertEquals(1 << 20, o.objectSize());
        assertEquals("eu-west-1", o.region());
        assertEquals("p", o.profile());
        assertEquals(2, o.queues());
        assertEquals(64, o.depth());
        assertEquals(4096, o.logicalBlockSize());
        assertEquals(7, o.devId());
        assertTrue(o.foreground());
        assertEquals(
                Path.of("/srv/x"),
                parse("--size 1G --bucket bkt --local /srv/x").localDir());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "\"\"                                                  | 'add' needs --size",
                "--bucket bkt                                        | 'add' needs --size",
                "--size 1G                                           | 'add' needs --bucket",
                "--size 1G --bucket bkt --bogus 1                    | unknown option '--bogus'",
                "--size 1G --bucket bkt bogus=1                      | unknown option 'bogus=1'",
                "--size 1G --bucket bkt stray                        | unexpected argument 'stray'",
                "--size 1G --bucket bkt --size 2G                    | option --size is given twice",
                "--size 1G --bucket                                  | option --bucket of 'add' needs a value",
                "--size 1X --bucket bkt                              | --size '1X' is not a size",
                "--size 1G --bucket a/b                              | --bucket 'a/b' is not a bucket name",
                "--size 1G --bucket bkt --key=                       | --key is empty",
                "--size 1G --bucket bkt --queues 0                   | --queues 0 must be at least 1",
                "--size 1G --bucket bkt --depth two                  | --depth 'two' is not a whole number",
                "--size 1G --bucket bkt --logical-block-size 1024    | --logical-block-size 1024 is not supported",
                "--size 1G --bucket bkt -n -3                        | --number -3 must not be negative",
                "--size 1G --bucket bkt --endpoint-url ftp://x       | --endpoint-url 'ftp://x' is not a URL",
                "--size 1G --bucket bkt --local /d --endpoint-url http://h | options --endpoint-url and --local of 'add' exclude each other",
                "--size 1G --bucket bkt --access-key A               | --access-key and --secret-key go together",
                "--size 1G --bucket bkt --session-token T            | --session-token needs --access-key",
                "--size 1G --bucket bkt --foreground=yes             | option --foreground of 'add' takes no value",
                "--size 1G --bucket bkt --retry-time 0               | --retry-time 0 is too short: give how long",
                "--size 1G --bucket bkt --retry-time 15              | --retry-time '15' is not a duration: give a number with a unit",
                "--size 1G --bucket bkt --retry-time -1s             | --retry-time '-1s' is not a duration",
                "--size 1G --bucket bkt --retry-time 2d              | --retry-time '2d' is not a duration",
                "--size 1G --bucket bkt --retry-time 25h             | --retry-time 25h is longer than 24h: give a shorter one",
            })
    void badInputIsOneLineNamingTheProblem(String line, String expectedStart) {
        UsageException e = assertThrows(UsageException.class, () -> parse(line));
        assertTrue(e.getMessage().contains(expectedStart), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains(":"), "names a fix after a colon: " + e.getMessage());
    }
}
