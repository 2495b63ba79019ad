package dev.ublks3.tools;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A second server on the same objects is refused; the same bucket and key in another store are other objects. */
class SecondAttachTest {

    @TempDir
    Path tmp;

    private static AddOptions parse(String line) {
        return AddOptions.parse(Arrays.asList(line.trim().split(" +")));
    }

    /** A record of a live server (this JVM's pid) for {@code line}'s device 3. */
    private RunDirectory runDirectoryWith(String line, String endpoint) {
        RunDirectory run = new RunDirectory(tmp.resolve("run"));
        run.publish(DeviceRecord.of(3, ProcessHandle.current().pid(), parse(line), endpoint, 1, 32));
        return run;
    }

    @Test
    void theSameLocalFolderIsRefusedAnotherIsNot() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        RunDirectory run =
                runDirectoryWith("--size 64M --bucket rec --key vm/disk --local " + a, "http://127.0.0.1:40000");
        UsageException e = assertThrows(
                UsageException.class,
                () -> DeviceServer.refuseTaken(
                        parse("--size 64M --bucket rec --key vm/disk --local " + a + "/."), run, false));
        assertTrue(e.getMessage().contains("s3://rec/vm/disk is already served as /dev/ublkb3"), e.getMessage());
        assertDoesNotThrow(() ->
                DeviceServer.refuseTaken(parse("--size 64M --bucket rec --key vm/disk --local " + b), run, false));
        assertDoesNotThrow(
                () -> DeviceServer.refuseTaken(
                        parse("--size 64M --bucket rec --key vm/disk --endpoint-url http://127.0.0.1:40000"),
                        run,
                        false),
                "a local folder's objects are not a remote endpoint's");
    }

    @Test
    void theSameEndpointIsRefusedAnotherIsNot() {
        String line = "--size 64M --bucket rec --key vm/disk --endpoint-url http://127.0.0.1:9000";
        RunDirectory run = runDirectoryWith(line, "http://127.0.0.1:9000");
        assertThrows(UsageException.class, () -> DeviceServer.refuseTaken(parse(line), run, false));
        assertDoesNotThrow(() -> DeviceServer.refuseTaken(
                parse("--size 64M --bucket rec --key vm/disk --endpoint-url http://127.0.0.1:9001"), run, false));
        assertDoesNotThrow(() -> DeviceServer.refuseTaken(
                parse("--size 64M --bucket rec --key vm/other --endpoint-url http://127.0.0.1:9000"), run, false));
        assertTrue(List.of(run.path().toFile().list()).contains("3.properties"));
    }
}
