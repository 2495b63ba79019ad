package dev.ublks3.ublk;

import static org.junit.jupiter.api.Assertions.*;

import dev.ublks3.linux.Errno;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class UblkControlTest {
    @Test
    void missingControlDeviceSaysToLoadTheDriver() {
        UblkException e = assertThrows(UblkException.class, () -> UblkControl.open("/nonexistent/ublk-control"));
        assertEquals(
                "open /nonexistent/ublk-control: ENOENT (no ublk control device): load the ublk driver with "
                        + "'modprobe ublk_drv' (Linux 6.1+ built with CONFIG_BLK_DEV_UBLK)",
                e.getMessage());
        assertEquals(Errno.ENOENT, e.errno());
    }

    @Test
    void checkingAccessSaysWhatOpeningWouldSay() {
        UblkException opened = assertThrows(UblkException.class, () -> UblkControl.open("/nonexistent/ublk-control"));
        UblkException checked =
                assertThrows(UblkException.class, () -> UblkControl.checkAccess("/nonexistent/ublk-control"));
        assertEquals(opened.getMessage(), checked.getMessage());
        assertEquals(Errno.ENOENT, checked.errno());
    }

    @Test
    void aNumberInSysfsIsRefusedAsAddDevWouldRefuseIt(@org.junit.jupiter.api.io.TempDir Path charClass)
            throws Exception {
        Files.createDirectory(charClass.resolve("ublkc5"));
        UblkException e = assertThrows(UblkException.class, () -> UblkControl.checkNumberUnused(charClass, 5));
        assertEquals(UblkControl.error("ADD_DEV", Errno.EEXIST, 5).getMessage(), e.getMessage());
        assertTrue(e.getMessage().contains("device 5 already exists): pick another -n"), e.getMessage());
        UblkControl.checkNumberUnused(charClass, 50); // ublkc5 is not ublkc50
        UblkControl.checkNumberUnused(charClass, -1);
    }

    @Test
    void thisHostsControlDevice() throws Exception {
        if (Files.exists(Path.of(UblkControl.CONTROL_PATH))) {
            try (UblkControl c = UblkControl.open()) {
                assertTrue(c.toString().contains("SQE128"), c.toString());
            }
        } else {
            UblkException e = assertThrows(UblkException.class, UblkControl::open);
            assertTrue(e.getMessage().contains("modprobe ublk_drv"), e.getMessage());
        }
    }

    @Test
    void commandErrorsAreOneLineWithWhatToDo() {
        assertEquals(
                "ADD_DEV: EEXIST (device 3 already exists): pick another -n or leave it out",
                UblkControl.error("ADD_DEV", Errno.EEXIST, 3).getMessage());
        assertEquals(
                "ADD_DEV: EPERM (Operation not permitted): run as root (ublk devices need CAP_SYS_ADMIN)",
                UblkControl.error("ADD_DEV", Errno.EPERM, -1).getMessage());
        assertEquals(
                "STOP_DEV: ENODEV (no ublk device 9): see /dev/ublkc* for the devices that exist",
                UblkControl.error("STOP_DEV", Errno.ENODEV, 9).getMessage());
        assertEquals(
                "SET_PARAMS: EACCES (device 2 is started): parameters can only be set before START_DEV",
                UblkControl.error("SET_PARAMS", Errno.EACCES, 2).getMessage());
        assertEquals(
                "SET_PARAMS: EINVAL (the kernel refused the command's values): check block sizes and max_sectors "
                        + "against max_io_buf_bytes",
                UblkControl.error("SET_PARAMS", Errno.EINVAL, 2).getMessage());
        UblkException e = UblkControl.error("DEL_DEV", Errno.EBUSY, 4);
        assertEquals("DEL_DEV", e.command());
        assertEquals(Errno.EBUSY, e.errno());
        assertEquals("DEL_DEV: EBUSY (device 4 is busy)", e.getMessage());
    }
}
