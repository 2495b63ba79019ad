package dev.ublks3.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** What a starting command takes from its server's stdout as the answer. */
class DevicePathLineTest {

    private static String answer(String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).start();
        String line = AddCommand.devicePathLine(p);
        p.waitFor();
        return line;
    }

    @Test
    void theJvmsOwnWarningsBeforeTheDevicePathAreSkipped() throws Exception {
        assertEquals("/dev/ublkb3", answer("echo '[0.010s][warning][perf,memops] Cannot use file /tmp/hsperfdata_root/569'; "
                + "echo /dev/ublkb3"));
    }

    @Test
    void noDevicePathBeforeTheEndIsNoAnswer() throws Exception {
        assertNull(answer("echo '[warning] something'; exit 1"));
        assertNull(answer("exit 1"));
    }
}
