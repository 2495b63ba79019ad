package dev.ublks3.ublk;

import static dev.ublks3.linux.ublk_cmd_h.*;

/**
 * The request operations a {@link UblkTarget} serves ({@code ublksrv_io_desc.op_flags & 0xff}). Other kernel ops
 * (WRITE_SAME, zoned ones) never reach a target: the driver completes them with -EOPNOTSUPP.
 */
public enum UblkOp {
    /** Fill the buffer with {@code length()} bytes from {@code offset()}; complete with the bytes read. */
    READ(UBLK_IO_OP_READ),
    /** Store {@code length()} bytes of the buffer at {@code offset()}; complete with the bytes written. */
    WRITE(UBLK_IO_OP_WRITE),
    /** Make every completed write durable (the device has a volatile write cache); complete with 0. */
    FLUSH(UBLK_IO_OP_FLUSH),
    /** Forget {@code length()} bytes at {@code offset()} (reads after it may return anything); complete with 0. */
    DISCARD(UBLK_IO_OP_DISCARD),
    /** Make {@code length()} bytes at {@code offset()} read as zeros; complete with 0. */
    WRITE_ZEROES(UBLK_IO_OP_WRITE_ZEROES);

    /** The kernel's UBLK_IO_OP_* number. */
    public final int code;

    UblkOp(int code) {
        this.code = code;
    }

    private static final UblkOp[] BY_CODE = new UblkOp[UBLK_IO_OP_WRITE_ZEROES + 1];

    static {
        for (UblkOp op : values()) BY_CODE[op.code] = op;
    }

    /** The op for a UBLK_IO_OP_* number, or null for one a target does not serve. */
    public static UblkOp of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** True for READ and WRITE, whose result is a byte count (the others complete with 0). */
    public boolean transfersData() {
        return this == READ || this == WRITE;
    }
}
