package dev.ublks3.ublk;

import static dev.ublks3.linux.ublk_cmd_h.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class UblkFeaturesTest {
    @Test
    void decodesByKernelName() {
        UblkFeatures f = new UblkFeatures(
                UBLK_F_URING_CMD_COMP_IN_TASK | UBLK_F_CMD_IOCTL_ENCODE | UBLK_F_USER_COPY | (1L << 40));
        assertEquals(List.of("URING_CMD_COMP_IN_TASK", "CMD_IOCTL_ENCODE", "USER_COPY", "1<<40"), f.names());
        assertTrue(f.has(UBLK_F_CMD_IOCTL_ENCODE));
        assertFalse(f.has(UBLK_F_USER_RECOVERY));
        assertEquals("0x100000000c2 URING_CMD_COMP_IN_TASK|CMD_IOCTL_ENCODE|USER_COPY|1<<40", f.toString());
        assertEquals(UBLK_F_BUF_REG_OFF_DAEMON, UblkFeatures.flagOf("UBLK_F_BUF_REG_OFF_DAEMON"));
        assertEquals(UBLK_F_ZONED, UblkFeatures.flagOf("ZONED"));
        assertEquals(-1, UblkFeatures.flagOf("NOPE"));
        for (int bit = 0; bit <= 14; bit++)
            assertEquals(
                    1L << bit,
                    UblkFeatures.flagOf(new UblkFeatures(1L << bit).names().get(0)));
    }

    @Test
    void devInfoStates() {
        UblkDevInfo i = new UblkDevInfo(2, 64, UBLK_S_DEV_LIVE, 1 << 20, 5, 1234, UBLK_F_CMD_IOCTL_ENCODE, 0, 0, 0);
        assertEquals("LIVE", i.stateName());
        assertEquals(
                "ublk 5: LIVE, 2 queues x depth 64, max_io_buf_bytes 1048576, pid 1234, flags 0x40 CMD_IOCTL_ENCODE",
                i.toString());
    }
}
