package dev.ublks3.ublk;

import static dev.ublks3.linux.ublk_cmd_h.*;

import dev.ublks3.linux.ublksrv_ctrl_dev_info;
import java.lang.foreign.MemorySegment;

/**
 * {@code struct ublksrv_ctrl_dev_info} as the kernel returned it (ADD_DEV writes back the negotiated values:
 * nr_hw_queues capped at the CPU count, max_io_buf_bytes rounded to the page size, the flags it accepted).
 */
public record UblkDevInfo(
        int nrHwQueues,
        int queueDepth,
        int state,
        int maxIoBufBytes,
        int devId,
        int ublksrvPid,
        long flags,
        long ublksrvFlags,
        int ownerUid,
        int ownerGid) {

    /** The device's flags, decoded. */
    public UblkFeatures features() {
        return new UblkFeatures(flags);
    }

    /** "DEAD", "LIVE", "QUIESCED", "FAIL_IO" (UBLK_S_DEV_*). */
    public String stateName() {
        return switch (state) {
            case UBLK_S_DEV_DEAD -> "DEAD";
            case UBLK_S_DEV_LIVE -> "LIVE";
            case UBLK_S_DEV_QUIESCED -> "QUIESCED";
            case UBLK_S_DEV_FAIL_IO -> "FAIL_IO";
            default -> "state " + state;
        };
    }

    static UblkDevInfo read(MemorySegment s, long base) {
        return new UblkDevInfo(
                ublksrv_ctrl_dev_info.nr_hw_queues$at(s, base) & 0xffff,
                ublksrv_ctrl_dev_info.queue_depth$at(s, base) & 0xffff,
                ublksrv_ctrl_dev_info.state$at(s, base) & 0xffff,
                ublksrv_ctrl_dev_info.max_io_buf_bytes$at(s, base),
                ublksrv_ctrl_dev_info.dev_id$at(s, base),
                ublksrv_ctrl_dev_info.ublksrv_pid$at(s, base),
                ublksrv_ctrl_dev_info.flags$at(s, base),
                ublksrv_ctrl_dev_info.ublksrv_flags$at(s, base),
                ublksrv_ctrl_dev_info.owner_uid$at(s, base),
                ublksrv_ctrl_dev_info.owner_gid$at(s, base));
    }

    void write(MemorySegment s, long base) {
        ublksrv_ctrl_dev_info.nr_hw_queues$at(s, base, (short) nrHwQueues);
        ublksrv_ctrl_dev_info.queue_depth$at(s, base, (short) queueDepth);
        ublksrv_ctrl_dev_info.state$at(s, base, (short) state);
        ublksrv_ctrl_dev_info.max_io_buf_bytes$at(s, base, maxIoBufBytes);
        ublksrv_ctrl_dev_info.dev_id$at(s, base, devId);
        ublksrv_ctrl_dev_info.ublksrv_pid$at(s, base, ublksrvPid);
        ublksrv_ctrl_dev_info.flags$at(s, base, flags);
        ublksrv_ctrl_dev_info.ublksrv_flags$at(s, base, ublksrvFlags);
        ublksrv_ctrl_dev_info.owner_uid$at(s, base, ownerUid);
        ublksrv_ctrl_dev_info.owner_gid$at(s, base, ownerGid);
    }

    @Override
    public String toString() {
        return "ublk " + devId + ": " + stateName() + ", " + nrHwQueues + " queues x depth " + queueDepth
                + ", max_io_buf_bytes " + maxIoBufBytes + ", pid " + ublksrvPid + ", flags " + features();
    }
}
