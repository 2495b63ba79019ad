package dev.ublks3.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceHoldersTest {

    @Test
    void findsAnotherProcessHoldingTheFileOpenAndNamesIt(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("disk"), "x");
        Process holder = new ProcessBuilder("sh", "-c", "exec sleep 30 < '" + file + "'").start();
        try {
            List<String> holders = List.of();
            for (int i = 0; i < 100 && holders.isEmpty(); i++) { // until sh has exec'd sleep with the file on fd 0
                Thread.sleep(50);
                holders = DeviceHolders.of(file);
            }
            assertEquals(List.of(holder.pid() + " (sleep)"), holders);
        } finally {
            holder.destroy();
            holder.waitFor();
        }
        assertTrue(DeviceHolders.of(file).isEmpty(), "nobody holds it once the holder ended");
    }

    @Test
    void ourOwnOpenFileDoesNotCount(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("disk"), "x");
        try (var in = Files.newInputStream(file)) {
            assertTrue(DeviceHolders.of(file).isEmpty());
        }
    }
}
