package dev.ublks3.ublk;

import static dev.ublks3.linux.ublk_cmd_h.*;

/**
 * What a ublk device is made with; every value is checked here, with one-line errors, before the kernel sees it.
 *
 * @param devId            the device number N of /dev/ublkbN, or -1 for the kernel's choice
 * @param queues           the server's queues (ADD_DEV asks for them, the kernel may lower them)
 * @param sizeBytes        the device size, a multiple of the logical block size
 * @param logicalBlockSize 512 or 4096
 * @param ioUnitBytes      the target's preferred unit (ublk-s3: the object size), a power of two from the logical
 *                         block size to 32 MiB: physical block, io_min, io_opt, chunk and discard granularity
 * @param discard          advertise DISCARD and WRITE_ZEROES
 * @param userRecovery     UBLK_F_USER_RECOVERY (a restarted server can take the device over); off by default
 */
public record UblkDeviceConfig(
        int devId,
        Queues queues,
        long sizeBytes,
        int logicalBlockSize,
        int ioUnitBytes,
        boolean discard,
        boolean userRecovery) {
    public static final int PAGE_SIZE = 4096;
    /** The largest ublk request buffer: 1 &lt;&lt; UBLK_IO_BUF_BITS = 32 MiB. */
    public static final int MAX_IO_BUF_BYTES = 1 << UBLK_IO_BUF_BITS;

    public static final int DEFAULT_DEPTH = 128;
    /** The default request size cap when none is given: 1 MiB, or the io unit when larger. */
    public static final int DEFAULT_MAX_IO_BUF_BYTES = 1 << 20;
    /**
     * The most sectors one discard/write-zeroes request carries: its byte length must fit {@link UblkIo#length()}
     * (an int; a 4 GiB discard of a 4 GiB device once arrived as -2147483648 bytes). The kernel splits larger ones.
     */
    static final int MAX_DISCARD_SECTORS = Integer.MAX_VALUE >>> 9;

    /**
     * The server's queues: {@code count} threads of {@code depth} requests each, every request with a buffer of
     * {@code maxIoBufBytes} (count x depth x maxIoBufBytes of buffers, mapped lazily).
     *
     * @param count         hardware queues, each served by its own thread (1..UBLK_MAX_NR_QUEUES; the kernel caps it
     *                      at the CPU count)
     * @param depth         requests in flight per queue (1..UBLK_MAX_QUEUE_DEPTH = 4096)
     * @param maxIoBufBytes the largest request, bytes: a page multiple up to 32 MiB (1 &lt;&lt; UBLK_IO_BUF_BITS)
     */
    public record Queues(int count, int depth, int maxIoBufBytes) {
        public Queues {
            if (count < 1 || count > UBLK_MAX_NR_QUEUES) {
                fail("queues " + count + " out of range: give 1.." + UBLK_MAX_NR_QUEUES
                        + " (the kernel caps it at the CPU count)");
            }
            if (depth < 1 || depth > UBLK_MAX_QUEUE_DEPTH)
                fail("depth " + depth + " out of range: give 1.." + UBLK_MAX_QUEUE_DEPTH);
            if (maxIoBufBytes < PAGE_SIZE || maxIoBufBytes > MAX_IO_BUF_BYTES || maxIoBufBytes % PAGE_SIZE != 0) {
                fail("max I/O size " + maxIoBufBytes + " bytes invalid: give a multiple of " + PAGE_SIZE + " up to "
                        + MAX_IO_BUF_BYTES + " (32 MiB, ublk's buffer limit)");
            }
        }
    }

    public UblkDeviceConfig {
        if (devId < -1) fail("device id " + devId + " is negative: give 0 or more, or -1 to let the kernel choose");
        if (logicalBlockSize != 512 && logicalBlockSize != 4096) {
            fail("logical block size " + logicalBlockSize + " not supported: give 512 or 4096");
        }
        if (ioUnitBytes < logicalBlockSize || ioUnitBytes > MAX_IO_BUF_BYTES || Integer.bitCount(ioUnitBytes) != 1) {
            fail("I/O unit " + ioUnitBytes + " bytes invalid: give a power of two from the logical block size ("
                    + logicalBlockSize + ") to 32 MiB");
        }
        if (sizeBytes <= 0 || sizeBytes % logicalBlockSize != 0) {
            fail("device size " + sizeBytes + " bytes invalid: give a positive multiple of the logical block size ("
                    + logicalBlockSize + ")");
        }
    }

    private static void fail(String message) {
        throw new IllegalArgumentException(message);
    }

    /**
     * A config with the defaults: kernel-chosen id, min(CPUs, 4) queues, depth 128, 512-byte logical blocks,
     * requests up to max(1 MiB, ioUnitBytes), discard on, no user recovery.
     */
    public static UblkDeviceConfig of(long sizeBytes, int ioUnitBytes) {
        int maxIo = ioUnitBytes > DEFAULT_MAX_IO_BUF_BYTES
                        && ioUnitBytes <= MAX_IO_BUF_BYTES
                        && ioUnitBytes % PAGE_SIZE == 0
                ? ioUnitBytes
                : DEFAULT_MAX_IO_BUF_BYTES;
        return new UblkDeviceConfig(
                -1, new Queues(defaultQueues(), DEFAULT_DEPTH, maxIo), sizeBytes, 512, ioUnitBytes, true, false);
    }

    /** The config of a device the kernel has, from its info and params (a device to take over). */
    public static UblkDeviceConfig of(UblkDevInfo info, UblkParams params) {
        var basic = params.basic();
        return new UblkDeviceConfig(
                info.devId(),
                new Queues(info.nrHwQueues(), info.queueDepth(), info.maxIoBufBytes()),
                basic.sizeBytes(),
                basic.logicalBlockSize(),
                1 << basic.ioMinShift(),
                params.discard() != null,
                info.features().has(UBLK_F_USER_RECOVERY));
    }

    /** min(available CPUs, 4). */
    public static int defaultQueues() {
        return Math.min(Runtime.getRuntime().availableProcessors(), 4);
    }

    public UblkDeviceConfig withDevId(int v) {
        return new UblkDeviceConfig(v, queues, sizeBytes, logicalBlockSize, ioUnitBytes, discard, userRecovery);
    }

    /** {@code count} queues of {@code depth} requests, as large as before. */
    public UblkDeviceConfig withQueues(int count, int depth) {
        return withQueues(new Queues(count, depth, queues.maxIoBufBytes));
    }

    /** Requests up to {@code maxIoBufBytes}, on as many queues as before. */
    public UblkDeviceConfig withMaxIoBufBytes(int maxIoBufBytes) {
        return withQueues(new Queues(queues.count, queues.depth, maxIoBufBytes));
    }

    private UblkDeviceConfig withQueues(Queues q) {
        return new UblkDeviceConfig(devId, q, sizeBytes, logicalBlockSize, ioUnitBytes, discard, userRecovery);
    }

    public UblkDeviceConfig withLogicalBlockSize(int v) {
        return new UblkDeviceConfig(devId, queues, sizeBytes, v, ioUnitBytes, discard, userRecovery);
    }

    public UblkDeviceConfig withDiscard(boolean v) {
        return new UblkDeviceConfig(devId, queues, sizeBytes, logicalBlockSize, ioUnitBytes, v, userRecovery);
    }

    public UblkDeviceConfig withUserRecovery(boolean v) {
        return new UblkDeviceConfig(devId, queues, sizeBytes, logicalBlockSize, ioUnitBytes, discard, v);
    }

    /** The UBLK_F_* flags ADD_DEV asks for. */
    public long flags() {
        // CMD_IOCTL_ENCODE: the IO commands are sent ioctl-encoded (6.4+; the kernel drops the bit when older).
        // URING_CMD_COMP_IN_TASK is not asked: since 6.1 ublk always completes through task work, the bit is a no-op.
        return UBLK_F_CMD_IOCTL_ENCODE | (userRecovery ? UBLK_F_USER_RECOVERY | UBLK_F_USER_RECOVERY_REISSUE : 0);
    }

    /**
     * The parameters SET_PARAMS gets, for the max_io_buf_bytes the kernel negotiated in ADD_DEV (max_sectors may not
     * exceed it: ublk_validate_params refuses it with EINVAL).
     */
    public UblkParams params(int negotiatedMaxIoBufBytes) {
        int unitShift = Integer.numberOfTrailingZeros(ioUnitBytes);
        int lbsShift = Integer.numberOfTrailingZeros(logicalBlockSize);
        long devSectors = sizeBytes >>> 9;
        // VOLATILE_CACHE: the file system sends FLUSH (and FUA writes), so "durable" means what the target makes it.
        // physical_bs_shift = the unit, uncapped: 6.12's blk_validate_limits accepts a physical block above PAGE_SIZE
        // (the VM test sees physical_block_size 33554432 for a 32 MiB unit); only the logical block is capped (4096).
        var basic = new UblkParams.Basic(
                UBLK_ATTR_VOLATILE_CACHE | UBLK_ATTR_FUA,
                lbsShift,
                unitShift,
                unitShift,
                unitShift,
                negotiatedMaxIoBufBytes >>> 9,
                ioUnitBytes >>> 9, // chunk_sectors: the block layer never sends a read/write across a unit boundary
                devSectors,
                0);
        UblkParams.Discard d = null;
        if (discard) {
            // whole units per discard bio: the block layer splits discards at multiples of the granularity
            int unitSectors = ioUnitBytes >>> 9;
            long max = Math.min(devSectors, MAX_DISCARD_SECTORS);
            max = Math.max(max / unitSectors * unitSectors, Math.min(unitSectors, MAX_DISCARD_SECTORS));
            d = new UblkParams.Discard(0, ioUnitBytes, (int) max, (int) max, 1);
        }
        return new UblkParams(basic, d, null);
    }

    @Override
    public String toString() {
        return "ublk device " + (devId < 0 ? "(auto id)" : devId) + ": " + sizeBytes + " bytes, " + queues.count
                + " queues x depth "
                + queues.depth + ", max I/O " + queues.maxIoBufBytes + ", logical block " + logicalBlockSize + ", unit "
                + ioUnitBytes
                + (discard ? ", discard" : "") + (userRecovery ? ", user recovery" : "");
    }
}
