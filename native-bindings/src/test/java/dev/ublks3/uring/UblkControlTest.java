package dev.ublks3.uring;

import static dev.ublks3.linux.io_uring_h.IORING_SETUP_SQE128;
import static dev.ublks3.linux.ublk_cmd_h.*;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ublks3.linux.Errno;
import dev.ublks3.linux.ErrnoException;
import dev.ublks3.linux.Libc;
import dev.ublks3.linux.ublk_param_basic;
import dev.ublks3.linux.ublk_param_devt;
import dev.ublks3.linux.ublk_params;
import dev.ublks3.linux.ublksrv_ctrl_cmd;
import dev.ublks3.linux.ublksrv_ctrl_dev_info;
import dev.ublks3.linux.ublksrv_io_desc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bindings and the ring against the real ublk driver: control commands on an SQE128 ring (GET_FEATURES,
 * ADD_DEV, SET_PARAMS, GET_PARAMS, GET_DEV_INFO, DEL_DEV) and the descriptor mmap. Needs /dev/ublk-control and
 * root: skipped on hosts without ublk_drv (run it in the VM: tools/vm/run-in-vm).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UblkControlTest {
    private int res;

    private int send(IoUring ring, int ctl, int op, int devId, MemorySegment buf, long len) throws ErrnoException {
        long cmd = ring.prepUringCmd(ctl, op, op);
        MemorySegment s = ring.sqes();
        ublksrv_ctrl_cmd.dev_id$at(s, cmd, devId);
        ublksrv_ctrl_cmd.queue_id$at(s, cmd, (short) -1);
        ublksrv_ctrl_cmd.len$at(s, cmd, (short) len);
        ublksrv_ctrl_cmd.addr$at(s, cmd, buf == null ? 0 : buf.address());
        assertEquals(
                1, ring.waitCompletions(1, Duration.ofSeconds(20)), "no completion for 0x" + Integer.toHexString(op));
        ring.reap((u, r, f) -> res = r);
        return res;
    }

    @Test
    void controlCommandsRoundTripThroughTheKernel() throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/ublk-control")), "no /dev/ublk-control (ublk_drv not loaded)");
        int ctl = Libc.open("/dev/ublk-control", Libc.O_RDWR | Libc.O_CLOEXEC);
        try (Arena arena = Arena.ofConfined();
                IoUring ring = IoUring.open(4, IORING_SETUP_SQE128, IoUring.DEFAULT_OPTIONAL_FLAGS)) {
            MemorySegment features = arena.allocate(JAVA_LONG);
            assertEquals(0, send(ring, ctl, UBLK_U_CMD_GET_FEATURES, -1, features, UBLK_FEATURES_LEN));
            assertTrue((features.get(JAVA_LONG, 0) & UBLK_F_CMD_IOCTL_ENCODE) != 0, "6.4+ encodes commands");

            MemorySegment info = ublksrv_ctrl_dev_info.allocate(arena);
            ublksrv_ctrl_dev_info.nr_hw_queues(info, (short) 1);
            ublksrv_ctrl_dev_info.queue_depth(info, (short) 8);
            ublksrv_ctrl_dev_info.max_io_buf_bytes(info, 512 * 1024);
            ublksrv_ctrl_dev_info.dev_id(info, -1);
            ublksrv_ctrl_dev_info.flags(info, UBLK_F_CMD_IOCTL_ENCODE);
            assertEquals(0, send(ring, ctl, UBLK_U_CMD_ADD_DEV, -1, info, ublksrv_ctrl_dev_info.sizeof()));
            int id = ublksrv_ctrl_dev_info.dev_id(info);
            try {
                assertNotEquals(-1, id, "the kernel picks the id");
                assertEquals(8, ublksrv_ctrl_dev_info.queue_depth(info));
                assertEquals(UBLK_S_DEV_DEAD, ublksrv_ctrl_dev_info.state(info));
                assertTrue((ublksrv_ctrl_dev_info.flags(info) & UBLK_F_CMD_IOCTL_ENCODE) != 0);

                MemorySegment p = ublk_params.allocate(arena);
                ublk_params.len(p, (int) ublk_params.sizeof());
                ublk_params.types(p, UBLK_PARAM_TYPE_BASIC);
                long b = ublk_params.basic$OFFSET;
                ublk_param_basic.logical_bs_shift$at(p, b, (byte) 9);
                ublk_param_basic.physical_bs_shift$at(p, b, (byte) 12);
                ublk_param_basic.max_sectors$at(p, b, 1024);
                ublk_param_basic.chunk_sectors$at(p, b, 128);
                ublk_param_basic.dev_sectors$at(p, b, 1L << 21);
                assertEquals(0, send(ring, ctl, UBLK_U_CMD_SET_PARAMS, id, p, ublk_params.sizeof()));

                MemorySegment q = ublk_params.allocate(arena);
                ublk_params.len(q, (int) ublk_params.sizeof());
                assertEquals(0, send(ring, ctl, UBLK_U_CMD_GET_PARAMS, id, q, ublk_params.sizeof()));
                assertEquals(1L << 21, ublk_param_basic.dev_sectors$at(q, b));
                assertEquals(128, ublk_param_basic.chunk_sectors$at(q, b));
                assertTrue((ublk_params.types(q) & UBLK_PARAM_TYPE_DEVT) != 0, "GET_PARAMS adds devt");
                String dev = Files.readString(Path.of("/sys/class/ublk-char/ublkc" + id + "/dev"))
                        .strip();
                long d = ublk_params.devt$OFFSET;
                assertEquals(dev, ublk_param_devt.char_major$at(q, d) + ":" + ublk_param_devt.char_minor$at(q, d));

                MemorySegment info2 = ublksrv_ctrl_dev_info.allocate(arena);
                assertEquals(0, send(ring, ctl, UBLK_U_CMD_GET_DEV_INFO, id, info2, ublksrv_ctrl_dev_info.sizeof()));
                assertEquals(id, ublksrv_ctrl_dev_info.dev_id(info2));

                int cdev = Libc.open("/dev/ublkc" + id, Libc.O_RDWR | Libc.O_CLOEXEC);
                try {
                    long len = (8 * ublksrv_io_desc.sizeof() + 4095) & ~4095L;
                    Libc.munmap(Libc.mmap(len, Libc.PROT_READ, Libc.MAP_SHARED, cdev, UBLKSRV_CMD_BUF_OFFSET));
                } finally {
                    Libc.close(cdev);
                }
            } finally {
                assertEquals(0, send(ring, ctl, UBLK_U_CMD_DEL_DEV, id, null, 0));
            }
            assertEquals(
                    -Errno.ENODEV, send(ring, ctl, UBLK_U_CMD_GET_DEV_INFO, id, info, ublksrv_ctrl_dev_info.sizeof()));
        } finally {
            Libc.close(ctl);
        }
    }
}
