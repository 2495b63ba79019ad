package dev.ublks3.linux;

/**
 * Constants of {@code <linux/ublk_cmd.h>}, kernel spellings kept verbatim; the comment after each addition says
 * the first kernel that has it (none = 6.0). Detect features at run time (GET_FEATURES, the flags ADD_DEV returns).
 * The {@code UBLK_U_*} opcodes are the ioctl-encoded forms ({@code _IOR/_IOWR('u', nr, struct)}); send those
 * (6.4+) rather than the legacy numbers. Encoded values above 2^31 are negative ints; compare them as ints.
 */
public final class ublk_cmd_h {
    private ublk_cmd_h() {}

    // control commands, legacy numbers
    public static final int UBLK_CMD_GET_QUEUE_AFFINITY = 0x01;
    public static final int UBLK_CMD_GET_DEV_INFO = 0x02;
    public static final int UBLK_CMD_ADD_DEV = 0x04;
    public static final int UBLK_CMD_DEL_DEV = 0x05;
    public static final int UBLK_CMD_START_DEV = 0x06;
    public static final int UBLK_CMD_STOP_DEV = 0x07;
    public static final int UBLK_CMD_SET_PARAMS = 0x08;
    public static final int UBLK_CMD_GET_PARAMS = 0x09;
    public static final int UBLK_CMD_START_USER_RECOVERY = 0x10; // 6.1
    public static final int UBLK_CMD_END_USER_RECOVERY = 0x11; // 6.1
    public static final int UBLK_CMD_GET_DEV_INFO2 = 0x12; // 6.3

    // control commands, ioctl-encoded (struct ublksrv_ctrl_cmd, 32 bytes)
    public static final int UBLK_U_CMD_GET_QUEUE_AFFINITY = 0x80207501; // 6.4
    public static final int UBLK_U_CMD_GET_DEV_INFO = 0x80207502; // 6.4
    public static final int UBLK_U_CMD_ADD_DEV = 0xc0207504; // 6.4
    public static final int UBLK_U_CMD_DEL_DEV = 0xc0207505; // 6.4
    public static final int UBLK_U_CMD_START_DEV = 0xc0207506; // 6.4
    public static final int UBLK_U_CMD_STOP_DEV = 0xc0207507; // 6.4
    public static final int UBLK_U_CMD_SET_PARAMS = 0xc0207508; // 6.4
    public static final int UBLK_U_CMD_GET_PARAMS = 0x80207509; // 6.4
    public static final int UBLK_U_CMD_START_USER_RECOVERY = 0xc0207510; // 6.4
    public static final int UBLK_U_CMD_END_USER_RECOVERY = 0xc0207511; // 6.4
    public static final int UBLK_U_CMD_GET_DEV_INFO2 = 0x80207512; // 6.4
    public static final int UBLK_U_CMD_GET_FEATURES = 0x80207513; // 6.5
    public static final int UBLK_U_CMD_DEL_DEV_ASYNC = 0x80207514; // 6.9
    public static final int UBLK_U_CMD_UPDATE_SIZE = 0xc0207515; // 6.16
    public static final int UBLK_U_CMD_QUIESCE_DEV = 0xc0207516; // 6.16

    /** Size of the GET_FEATURES answer (a u64). */
    public static final int UBLK_FEATURES_LEN = 8; // 6.5

    // IO commands, legacy numbers
    public static final int UBLK_IO_FETCH_REQ = 0x20;
    public static final int UBLK_IO_COMMIT_AND_FETCH_REQ = 0x21;
    public static final int UBLK_IO_NEED_GET_DATA = 0x22;

    // IO commands, ioctl-encoded (struct ublksrv_io_cmd, 16 bytes); use them when ADD_DEV returns UBLK_F_CMD_IOCTL_ENCODE
    public static final int UBLK_U_IO_FETCH_REQ = 0xc0107520; // 6.4
    public static final int UBLK_U_IO_COMMIT_AND_FETCH_REQ = 0xc0107521; // 6.4
    public static final int UBLK_U_IO_NEED_GET_DATA = 0xc0107522; // 6.4

    // CQE results of IO commands
    public static final int UBLK_IO_RES_OK = 0;
    public static final int UBLK_IO_RES_NEED_GET_DATA = 1;
    /** {@code -ENODEV}: the device is going away; do not fetch again. */
    public static final int UBLK_IO_RES_ABORT = -19;

    // mmap / pread offsets on /dev/ublkcN
    public static final int UBLKSRV_CMD_BUF_OFFSET = 0;
    public static final long UBLKSRV_IO_BUF_OFFSET = 0x80000000L;

    public static final int UBLK_MAX_QUEUE_DEPTH = 4096;

    // USER_COPY buffer offsets: UBLKSRV_IO_BUF_OFFSET + (qid << UBLK_QID_OFF | tag << UBLK_TAG_OFF | byte offset)
    public static final int UBLK_IO_BUF_OFF = 0; // 6.5
    public static final int UBLK_IO_BUF_BITS = 25; // 6.5
    public static final long UBLK_IO_BUF_BITS_MASK = (1L << UBLK_IO_BUF_BITS) - 1; // 6.5
    public static final int UBLK_TAG_OFF = UBLK_IO_BUF_BITS; // 6.5
    public static final int UBLK_TAG_BITS = 16; // 6.5
    public static final long UBLK_TAG_BITS_MASK = (1L << UBLK_TAG_BITS) - 1; // 6.5
    public static final int UBLK_QID_OFF = UBLK_TAG_OFF + UBLK_TAG_BITS; // 6.5
    public static final int UBLK_QID_BITS = 12; // 6.5
    public static final long UBLK_QID_BITS_MASK = (1L << UBLK_QID_BITS) - 1; // 6.5
    public static final int UBLK_MAX_NR_QUEUES = 1 << UBLK_QID_BITS; // 6.5
    public static final int UBLKSRV_IO_BUF_TOTAL_BITS = UBLK_QID_OFF + UBLK_QID_BITS; // 6.5
    public static final long UBLKSRV_IO_BUF_TOTAL_SIZE = 1L << UBLKSRV_IO_BUF_TOTAL_BITS; // 6.5

    // device features (ublksrv_ctrl_dev_info.flags, GET_FEATURES)
    public static final long UBLK_F_SUPPORT_ZERO_COPY = 1L << 0;
    public static final long UBLK_F_URING_CMD_COMP_IN_TASK = 1L << 1;
    public static final long UBLK_F_NEED_GET_DATA = 1L << 2;
    public static final long UBLK_F_USER_RECOVERY = 1L << 3; // 6.1
    public static final long UBLK_F_USER_RECOVERY_REISSUE = 1L << 4; // 6.1
    public static final long UBLK_F_UNPRIVILEGED_DEV = 1L << 5; // 6.3
    public static final long UBLK_F_CMD_IOCTL_ENCODE = 1L << 6; // 6.4
    public static final long UBLK_F_USER_COPY = 1L << 7; // 6.5
    public static final long UBLK_F_ZONED = 1L << 8; // 6.6
    public static final long UBLK_F_USER_RECOVERY_FAIL_IO = 1L << 9; // 6.13
    public static final long UBLK_F_UPDATE_SIZE = 1L << 10; // 6.16
    public static final long UBLK_F_AUTO_BUF_REG = 1L << 11; // 6.16
    public static final long UBLK_F_QUIESCE = 1L << 12; // 6.16
    public static final long UBLK_F_PER_IO_DAEMON = 1L << 13; // 6.16
    public static final long UBLK_F_BUF_REG_OFF_DAEMON = 1L << 14; // 6.17

    // device states (ublksrv_ctrl_dev_info.state)
    public static final int UBLK_S_DEV_DEAD = 0;
    public static final int UBLK_S_DEV_LIVE = 1;
    public static final int UBLK_S_DEV_QUIESCED = 2;
    public static final int UBLK_S_DEV_FAIL_IO = 3; // 6.13

    // request ops (ublksrv_io_desc.op_flags & 0xff)
    public static final int UBLK_IO_OP_READ = 0;
    public static final int UBLK_IO_OP_WRITE = 1;
    public static final int UBLK_IO_OP_FLUSH = 2;
    public static final int UBLK_IO_OP_DISCARD = 3;
    public static final int UBLK_IO_OP_WRITE_SAME = 4;
    public static final int UBLK_IO_OP_WRITE_ZEROES = 5;
    public static final int UBLK_IO_OP_ZONE_OPEN = 10; // 6.6
    public static final int UBLK_IO_OP_ZONE_CLOSE = 11; // 6.6
    public static final int UBLK_IO_OP_ZONE_FINISH = 12; // 6.6
    public static final int UBLK_IO_OP_ZONE_APPEND = 13; // 6.6
    public static final int UBLK_IO_OP_ZONE_RESET_ALL = 14; // 6.6
    public static final int UBLK_IO_OP_ZONE_RESET = 15; // 6.6
    public static final int UBLK_IO_OP_REPORT_ZONES = 18; // 6.6

    // request flags (ublksrv_io_desc.op_flags, not shifted)
    public static final int UBLK_IO_F_FAILFAST_DEV = 1 << 8;
    public static final int UBLK_IO_F_FAILFAST_TRANSPORT = 1 << 9;
    public static final int UBLK_IO_F_FAILFAST_DRIVER = 1 << 10;
    public static final int UBLK_IO_F_META = 1 << 11;
    public static final int UBLK_IO_F_FUA = 1 << 13;
    public static final int UBLK_IO_F_NOUNMAP = 1 << 15;
    public static final int UBLK_IO_F_SWAP = 1 << 16;

    // ublk_param_basic.attrs
    public static final int UBLK_ATTR_READ_ONLY = 1 << 0;
    public static final int UBLK_ATTR_ROTATIONAL = 1 << 1;
    public static final int UBLK_ATTR_VOLATILE_CACHE = 1 << 2;
    public static final int UBLK_ATTR_FUA = 1 << 3;

    // ublk_params.types
    public static final int UBLK_PARAM_TYPE_BASIC = 1 << 0;
    public static final int UBLK_PARAM_TYPE_DISCARD = 1 << 1;
    public static final int UBLK_PARAM_TYPE_DEVT = 1 << 2; // 6.1
    public static final int UBLK_PARAM_TYPE_ZONED = 1 << 3; // 6.6
    public static final int UBLK_PARAM_TYPE_DMA_ALIGN = 1 << 4; // after 6.12
    public static final int UBLK_PARAM_TYPE_SEGMENT = 1 << 5; // after 6.12
}
