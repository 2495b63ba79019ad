package dev.ublks3.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unit template tools/systemd/ublk-s3@.service, checked by {@code systemd-analyze verify} on the host: the file
 * itself, and its place in a boot with ZFS (fixtures in src/test/resources/systemd). systemd-analyze needs the
 * commands to exist: the copy verified runs this checkout's tools/bin/ublk-s3 instead of /usr/local/bin/ublk-s3.
 */
class SystemdUnitTest {

    static final Path UNIT = Path.of("systemd", "ublk-s3@.service").toAbsolutePath(); // surefire runs in tools/
    static final String INSTALLED = "/usr/local/bin/ublk-s3";
    private static final Path NETWORKD_WAIT_ONLINE =
            Path.of("/lib/systemd/system/systemd-networkd-wait-online.service");

    @TempDir
    Path tmp;

    @BeforeAll
    static void systemdAnalyzeIsThere() throws Exception {
        assumeTrue(
                run(List.of("sh", "-c", "command -v systemd-analyze")).code() == 0,
                "systemd-analyze is not installed (apt-get install systemd): the unit file is not verified");
    }

    private record Result(int code, String output) {
        List<String> lines() {
            return output.lines().toList();
        }
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "systemd-analyze ended");
        return new Result(p.exitValue(), out);
    }

    private static Result verify(Path unit) throws IOException, InterruptedException {
        return run(List.of("systemd-analyze", "verify", "--man=no", unit.toString()));
    }

    /** The unit, running this checkout's launcher, in {@code dir}. */
    private static void installUnit(Path dir) throws IOException {
        String text = Files.readString(UNIT);
        assertTrue(text.contains("ExecStart=" + INSTALLED + " unit-start --name %i"), text);
        Files.writeString(
                dir.resolve("ublk-s3@.service"),
                text.replace(
                        INSTALLED, Path.of("bin", "ublk-s3").toAbsolutePath().toString()));
    }

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(SystemdUnitTest.class.getResource("/systemd/" + name).toURI());
    }

    @Test
    void theUnitFileVerifiesClean() throws Exception {
        installUnit(tmp);
        Result r = verify(tmp.resolve("ublk-s3@.service"));
        assertEquals(0, r.code(), r.output());
        assertEquals(List.of(), r.lines(), "no warning");
    }

    @Test
    void theInstalledPathIsWhatVerifyChecks() throws Exception {
        Files.copy(UNIT, tmp.resolve("ublk-s3@.service"));
        Result r = verify(tmp.resolve("ublk-s3@.service"));
        if (!Files.isExecutable(Path.of(INSTALLED))) {
            assertTrue(r.output().contains("Command " + INSTALLED + " is not executable"), r.output());
        }
    }

    /**
     * A boot with ZFS and the network that {@code network} brings up, with the device ublk-s3@disk0 or without: the
     * lines of the ordering cycles systemd reports (which jobs of a cycle it names depends on its hash order).
     */
    private List<String> bootWith(Path network, boolean device) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(device ? "with-device" : "without"));
        try (Stream<Path> units = Files.list(fixture("zfs"))) {
            for (Path u : units.toList()) {
                Files.copy(u, dir.resolve(u.getFileName()));
            }
        }
        installUnit(dir);
        if (!device) {
            Files.writeString(
                    dir.resolve("boot.target"),
                    Files.readString(dir.resolve("boot.target")).replace(" ublk-s3@disk0.service", ""));
        }
        if (!network.startsWith("/lib/systemd/system")) { // a fixture: in the folder, where systemd looks for it
            network = Files.copy(network, dir.resolve(network.getFileName()));
        }
        Path wants = Files.createDirectories(dir.resolve("network-online.target.wants"));
        Files.createSymbolicLink(wants.resolve(network.getFileName()), network);
        Result r = verify(dir.resolve("boot.target"));
        return r.lines().stream()
                .filter(l -> l.contains("ordering cycle") || l.contains("Found dependency"))
                .toList();
    }

    @Test
    void beforeZfsImportAndAfterTheNetworkWithSystemdNetworkd() throws Exception {
        assumeTrue(Files.exists(NETWORKD_WAIT_ONLINE), NETWORKD_WAIT_ONLINE + " is not installed");
        assertEquals(List.of(), bootWith(NETWORKD_WAIT_ONLINE, true), "no ordering cycle");
    }

    /** README.md, "Devices at boot": with ifupdown the network waits for local file systems, and so for ZFS. */
    @Test
    void withIfupdownTheTwoOrdersAreACycleAsTheReadmeSays() throws Exception {
        Path networking = fixture("ifupdown/networking.service");
        assertEquals(List.of(), bootWith(networking, false), "no cycle without the device");
        List<String> cycles = bootWith(networking, true);
        assertTrue(cycles.stream().anyMatch(l -> l.contains("Found ordering cycle")), String.join("\n", cycles));
    }
}
