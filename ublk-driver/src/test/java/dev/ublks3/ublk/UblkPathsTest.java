package dev.ublks3.ublk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A device's paths, built and read back. */
class UblkPathsTest {

    @Test
    void pathsOfADevice() {
        assertEquals("/dev/ublkb0", UblkPaths.block(0));
        assertEquals("/dev/ublkb12", UblkPaths.block(12));
        assertEquals("/dev/ublkc12", UblkPaths.character(12));
    }

    @Test
    void theNumberIsReadBackFromItsOwnKindOfPathOnly() {
        assertEquals(12, UblkPaths.blockId(UblkPaths.block(12)));
        assertEquals(0, UblkPaths.blockId("/dev/ublkb0"));
        assertEquals(7, UblkPaths.charId(UblkPaths.character(7)));
        assertEquals(-1, UblkPaths.blockId("/dev/ublkc7"), "a char device is not a block device");
        assertEquals(-1, UblkPaths.charId("/dev/ublkb7"));
    }

    @Test
    void anythingElseHasNoNumber() {
        for (String other : new String[] {
            "",
            "/dev/ublkb",
            "/dev/ublkb1p1",
            "/dev/ublkb-1",
            "/dev/ublkbx",
            "/dev/ublkb 3",
            "/dev/ublkb3 ",
            "/dev/ublkb99999999999",
            "[0.010s][warning][perf,memops] Cannot use",
            "/dev/sda1"
        }) {
            assertEquals(-1, UblkPaths.blockId(other), other);
        }
    }
}
