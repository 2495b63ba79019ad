package dev.ublks3.ublk;

import static dev.ublks3.linux.io_uring_h.IORING_SETUP_SQE128;
import static dev.ublks3.linux.ublk_cmd_h.*;

import dev.ublks3.linux.Errno;
import dev.ublks3.linux.ErrnoException;
import dev.ublks3.linux.Libc;
import dev.ublks3.linux.ublk_params;
import dev.ublks3.linux.ublksrv_ctrl_cmd;
import dev.ublks3.linux.ublksrv_ctrl_dev_info;
import dev.ublks3.uring.IoUring;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The ublk control device, /dev/ublk-control, driven through its own SQE128 io_uring (the 32-byte
 * {@code ublksrv_ctrl_cmd} lives in the SQE's command area). One method per control command, named after the
 * kernel's. Commands are sent ioctl-encoded (UBLK_U_CMD_*, 6.4+); when the kernel refuses an encoded opcode as
 * unknown, the legacy number is used from then on.
 *
 * <p>Thread-safe: commands are sent one at a time (START_DEV blocks until the queues have fetched, STOP_DEV
 * until in-flight requests are done, DEL_DEV until the device is released). The ring has no SINGLE_ISSUER, so
 * any thread (a shutdown hook) may send the next command.
 */
public final class UblkControl implements AutoCloseable {
    /** The control device's path. */
    public static final String CONTROL_PATH = "/dev/ublk-control";

    private static final int ENOTSUPP = 524; // the kernel's internal "unknown command" of 6.0-6.3
    private static final long NO_DEVICE = 0xFFFF_FFFFL;

    private final String path;
    private final int fd;
    private final IoUring ring;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buf; // the command's payload (dev info, params, features, dev path)
    private boolean legacyOpcodes;
    private boolean closed;

    private UblkControl(String path, int fd, IoUring ring) {
        this.path = path;
        this.fd = fd;
        this.ring = ring;
        this.buf = arena.allocate(4096, 8);
    }

    /** Opens /dev/ublk-control. */
    public static UblkControl open() throws UblkException {
        return open(CONTROL_PATH);
    }

    /**
     * What {@link #open()} would say of /dev/ublk-control when it is missing (no driver) or not readable and writable
     * (not root), found without opening it: for a command that checks before it starts the process that will.
     */
    public static void checkAccess() throws UblkException {
        checkAccess(CONTROL_PATH);
    }

    static void checkAccess(String path) throws UblkException {
        Path p = Path.of(path);
        if (!Files.exists(p)) {
            throw openError(path, Errno.ENOENT, null);
        }
        if (!Files.isReadable(p) || !Files.isWritable(p)) {
            throw openError(path, Errno.EACCES, null);
        }
    }

    private static UblkException openError(String path, int errno, Throwable cause) {
        return switch (errno) {
            case Errno.ENOENT, Errno.ENODEV, Errno.ENXIO ->
                new UblkException(
                        "open " + path,
                        errno,
                        "no ublk control device",
                        "load the ublk driver with 'modprobe ublk_drv' (Linux 6.1+ built with CONFIG_BLK_DEV_UBLK)",
                        cause);
            case Errno.EACCES, Errno.EPERM ->
                new UblkException(
                        "open " + path,
                        errno,
                        Errno.message(errno),
                        "run as root (ublk devices need CAP_SYS_ADMIN)",
                        cause);
            default -> new UblkException("open " + path, errno, Errno.message(errno), "", cause);
        };
    }

    /** Opens the control device at {@code path} (tests: a missing path gives the modprobe hint). */
    static UblkControl open(String path) throws UblkException {
        int fd;
        try {
            fd = Libc.open(path, Libc.O_RDWR | Libc.O_CLOEXEC);
        } catch (ErrnoException e) {
            throw openError(path, e.errno(), e);
        }
        try {
            // no SINGLE_ISSUER/DEFER_TASKRUN: commands may come from any thread (e.g. a shutdown hook stops the device)
            return new UblkControl(path, fd, IoUring.open(4, IORING_SETUP_SQE128, 0));
        } catch (ErrnoException | RuntimeException e) {
            try {
                Libc.close(fd);
            } catch (ErrnoException ignored) {
                // the ring failure is the error to report
            }
            if (e instanceof ErrnoException x) {
                throw new UblkException(
                        "io_uring_setup",
                        x.errno(),
                        Errno.message(x.errno()),
                        "io_uring must be enabled (sysctl kernel.io_uring_disabled=0)",
                        e);
            }
            throw (RuntimeException) e;
        }
    }

    /** UBLK_U_CMD_GET_FEATURES (6.5+): the UBLK_F_* flags this kernel supports. */
    public synchronized UblkFeatures getFeatures() throws UblkException {
        buf.set(ValueLayout.JAVA_LONG, 0, 0L);
        send("GET_FEATURES", UBLK_U_CMD_GET_FEATURES, -1, -1, (int) NO_DEVICE, buf.address(), UBLK_FEATURES_LEN, 0);
        return new UblkFeatures(buf.get(ValueLayout.JAVA_LONG, 0));
    }

    /**
     * UBLK_U_CMD_ADD_DEV: creates device {@code devId} (-1 = the kernel picks) and returns the negotiated info
     * (queues capped at the CPU count, max_io_buf_bytes rounded to the page size, the flags kept).
     */
    public synchronized UblkDevInfo addDev(int devId, int queues, int depth, int maxIoBufBytes, long flags)
            throws UblkException {
        buf.asSlice(0, ublksrv_ctrl_dev_info.sizeof()).fill((byte) 0);
        new UblkDevInfo(
                        queues,
                        depth,
                        0,
                        maxIoBufBytes,
                        devId,
                        (int) ProcessHandle.current().pid(),
                        flags,
                        0,
                        0,
                        0)
                .write(buf, 0);
        send(
                "ADD_DEV",
                UBLK_U_CMD_ADD_DEV,
                UBLK_CMD_ADD_DEV,
                devId,
                devId,
                buf.address(),
                (int) ublksrv_ctrl_dev_info.sizeof(),
                0);
        return UblkDevInfo.read(buf, 0);
    }

    /** UBLK_U_CMD_SET_PARAMS: only before START_DEV (EACCES after). */
    public synchronized void setParams(int devId, UblkParams params) throws UblkException {
        MemorySegment p = buf.asSlice(0, ublk_params.sizeof());
        p.fill((byte) 0);
        params.write(p);
        send(
                "SET_PARAMS",
                UBLK_U_CMD_SET_PARAMS,
                UBLK_CMD_SET_PARAMS,
                devId,
                devId,
                p.address(),
                (int) p.byteSize(),
                0);
    }

    /** UBLK_U_CMD_GET_PARAMS: the params in effect, with the device numbers (DEVT). */
    public synchronized UblkParams getParams(int devId) throws UblkException {
        MemorySegment p = buf.asSlice(0, ublk_params.sizeof());
        p.fill((byte) 0);
        ublk_params.len(p, (int) p.byteSize());
        send(
                "GET_PARAMS",
                UBLK_U_CMD_GET_PARAMS,
                UBLK_CMD_GET_PARAMS,
                devId,
                devId,
                p.address(),
                (int) p.byteSize(),
                0);
        return UblkParams.read(p);
    }

    /**
     * UBLK_U_CMD_START_DEV with data[0] = {@code pid}: adds /dev/ublkbN. Blocks until every queue has fetched all
     * its tags, and while the kernel reads the partition table: the queues must already be serving.
     */
    public synchronized void startDev(int devId, long pid) throws UblkException {
        send("START_DEV", UBLK_U_CMD_START_DEV, UBLK_CMD_START_DEV, devId, devId, 0, 0, pid);
    }

    /** UBLK_U_CMD_STOP_DEV: removes /dev/ublkbN (after in-flight requests complete) and aborts the queues' fetches. */
    public synchronized void stopDev(int devId) throws UblkException {
        send("STOP_DEV", UBLK_U_CMD_STOP_DEV, UBLK_CMD_STOP_DEV, devId, devId, 0, 0, 0);
    }

    /** UBLK_U_CMD_DEL_DEV: deletes the device; blocks until its char device is closed by everyone. */
    public synchronized void delDev(int devId) throws UblkException {
        send("DEL_DEV", UBLK_U_CMD_DEL_DEV, UBLK_CMD_DEL_DEV, devId, devId, 0, 0, 0);
    }

    /**
     * The device's info: UBLK_U_CMD_GET_DEV_INFO2 (6.3+, carries the char device path the kernel checks for
     * unprivileged devices), else GET_DEV_INFO.
     */
    public synchronized UblkDevInfo getDevInfo(int devId) throws UblkException {
        byte[] charPath = UblkPaths.character(devId).getBytes(StandardCharsets.UTF_8);
        int infoLen = (int) ublksrv_ctrl_dev_info.sizeof();
        // the payload is the path, then the info right after it: start the path so that the info is 8-byte aligned
        int start = (8 - charPath.length % 8) % 8;
        buf.asSlice(0, start + charPath.length + infoLen).fill((byte) 0);
        MemorySegment.copy(charPath, 0, buf, ValueLayout.JAVA_BYTE, start, charPath.length);
        try {
            sendCmd(
                    "GET_DEV_INFO2",
                    UBLK_U_CMD_GET_DEV_INFO2,
                    UBLK_CMD_GET_DEV_INFO2,
                    devId,
                    devId,
                    buf.address() + start,
                    charPath.length + infoLen,
                    0,
                    charPath.length);
            return UblkDevInfo.read(buf, start + charPath.length);
        } catch (UblkException e) {
            if (!unknownCommand(e.errno())) throw e;
        }
        buf.asSlice(0, infoLen).fill((byte) 0);
        send("GET_DEV_INFO", UBLK_U_CMD_GET_DEV_INFO, UBLK_CMD_GET_DEV_INFO, devId, devId, buf.address(), infoLen, 0);
        return UblkDevInfo.read(buf, 0);
    }

    /**
     * Refuses {@code devId} as ADD_DEV would when the kernel already has a device of that number: a check before a
     * server is started for it, not a reservation (ADD_DEV still decides).
     */
    public void checkFree(int devId) throws UblkException {
        try {
            getDevInfo(devId);
        } catch (UblkException e) {
            return; // no such device; any other refusal is ADD_DEV's to report
        }
        throw error("ADD_DEV", Errno.EEXIST, devId);
    }

    /**
     * Refuses {@code devId} (-1: the next free one, never refused) when the kernel already has a device of that
     * number, read from sysfs: {@code /sys/class/ublk-char/ublkcN} lives from ADD_DEV to DEL_DEV. The starting
     * command's check, without opening the control device (which costs a JVM under emulation a second and more);
     * the server checks again with {@link #checkFree}, and ADD_DEV decides.
     */
    public static void checkNumberUnused(int devId) throws UblkException {
        checkNumberUnused(Path.of("/sys/class/ublk-char"), devId);
    }

    static void checkNumberUnused(Path charClass, int devId) throws UblkException {
        if (devId >= 0 && Files.exists(charClass.resolve("ublkc" + devId))) {
            throw error("ADD_DEV", Errno.EEXIST, devId);
        }
    }

    /** UBLK_U_CMD_START_USER_RECOVERY (6.1+, device made with UBLK_F_USER_RECOVERY whose server died). */
    public synchronized void startUserRecovery(int devId) throws UblkException {
        send(
                "START_USER_RECOVERY",
                UBLK_U_CMD_START_USER_RECOVERY,
                UBLK_CMD_START_USER_RECOVERY,
                devId,
                devId,
                0,
                0,
                0);
    }

    /** UBLK_U_CMD_END_USER_RECOVERY with data[0] = the new server's {@code pid}, once its queues fetched again. */
    public synchronized void endUserRecovery(int devId, long pid) throws UblkException {
        send("END_USER_RECOVERY", UBLK_U_CMD_END_USER_RECOVERY, UBLK_CMD_END_USER_RECOVERY, devId, devId, 0, 0, pid);
    }

    private static boolean unknownCommand(int errno) {
        return errno == ENOTSUPP || errno == Errno.EOPNOTSUPP || errno == Errno.EINVAL;
    }

    private void send(String name, int encoded, int legacy, int devId, int cmdDevId, long addr, int len, long data0)
            throws UblkException {
        sendCmd(name, encoded, legacy, devId, cmdDevId, addr, len, data0, 0);
    }

    private void sendCmd(
            String name,
            int encoded,
            int legacy,
            int devId,
            int cmdDevId,
            long addr,
            int len,
            long data0,
            int devPathLen)
            throws UblkException {
        if (closed) throw new IllegalStateException("ublk control is closed");
        int res = submit(name, legacyOpcodes && legacy >= 0 ? legacy : encoded, cmdDevId, addr, len, data0, devPathLen);
        // 6.0-6.3 know only the legacy numbers; 6.4+ without CONFIG_BLKDEV_UBLK_LEGACY_OPCODES only the encoded ones
        if (!legacyOpcodes && legacy >= 0 && (res == -ENOTSUPP || res == -Errno.EOPNOTSUPP)) {
            int again = submit(name, legacy, cmdDevId, addr, len, data0, devPathLen);
            if (again != -ENOTSUPP && again != -Errno.EOPNOTSUPP) {
                legacyOpcodes = true;
                res = again;
            }
        }
        if (res < 0) throw error(name, -res, devId);
    }

    private int submit(String name, int op, int devId, long addr, int len, long data0, int devPathLen)
            throws UblkException {
        try {
            long cmd = ring.prepUringCmd(fd, op, op & 0xffffffffL);
            MemorySegment s = ring.sqes();
            ublksrv_ctrl_cmd.dev_id$at(s, cmd, devId);
            ublksrv_ctrl_cmd.queue_id$at(s, cmd, (short) -1);
            ublksrv_ctrl_cmd.len$at(s, cmd, (short) len);
            ublksrv_ctrl_cmd.addr$at(s, cmd, addr);
            ublksrv_ctrl_cmd.data$at(s, cmd, 0, data0);
            ublksrv_ctrl_cmd.dev_path_len$at(s, cmd, (short) devPathLen);
            // START_DEV may wait for a slow partition scan, DEL_DEV for every user to close: wait in slices, no limit
            while (ring.waitCompletions(1, Duration.ofSeconds(1)) < 1) {
                // keep waiting: the command is in the kernel and its buffer must stay valid until it completes
            }
            int[] res = {0};
            ring.reap((userData, r, flags) -> res[0] = r);
            return res[0];
        } catch (ErrnoException e) {
            throw new UblkException(name, e.errno(), e.getMessage(), "", e);
        }
    }

    /** The one-line error for a refused command, with what to do where the errno says it. */
    static UblkException error(String name, int errno, int devId) {
        String dev = devId < 0 ? "the new device" : "device " + devId;
        String detail = Errno.message(errno);
        String hint = "";
        switch (errno) {
            case Errno.EPERM -> hint = "run as root (ublk devices need CAP_SYS_ADMIN)";
            case Errno.EACCES -> {
                if (name.equals("SET_PARAMS")) {
                    detail = dev + " is started";
                    hint = "parameters can only be set before START_DEV";
                } else {
                    hint = "run as root (ublk devices need CAP_SYS_ADMIN)";
                }
            }
            case Errno.EEXIST -> {
                if (name.equals("ADD_DEV")) {
                    detail = dev + " already exists";
                    hint = "pick another -n or leave it out";
                } else if (name.equals("START_DEV")) {
                    detail = dev + " is already started";
                }
            }
            case Errno.ENODEV, Errno.ENOENT -> {
                detail = "no ublk " + dev;
                hint = "see /dev/ublkc* for the devices that exist";
            }
            case Errno.EBUSY -> detail = dev + " is busy";
            case Errno.EINVAL -> {
                detail = "the kernel refused the command's values";
                if (name.equals("SET_PARAMS")) hint = "check block sizes and max_sectors against max_io_buf_bytes";
            }
            case Errno.ENOMEM -> hint = "lower --queues, --depth or the max I/O size";
            default -> {}
        }
        return new UblkException(name, errno, detail, hint);
    }

    /** True when the commands went out with their legacy numbers (a kernel without ioctl-encoded ublk commands). */
    public synchronized boolean usesLegacyOpcodes() {
        return legacyOpcodes;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        ring.close();
        try {
            Libc.close(fd);
        } catch (ErrnoException ignored) {
            // nothing left to do with it
        }
        arena.close();
    }

    @Override
    public String toString() {
        return "UblkControl[" + path + ", " + ring + "]";
    }
}
