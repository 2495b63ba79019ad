package dev.ublks3.ublk;

import static dev.ublks3.linux.ublk_cmd_h.*;

import dev.ublks3.linux.ublk_param_basic;
import dev.ublks3.linux.ublk_param_devt;
import dev.ublks3.linux.ublk_param_discard;
import dev.ublks3.linux.ublk_params;
import java.lang.foreign.MemorySegment;

/**
 * {@code struct ublk_params}: what SET_PARAMS sends and GET_PARAMS returns. {@code basic} is required;
 * {@code discard} enables discard and write-zeroes (null = not supported); {@code devt} is filled by the kernel
 * only (GET_PARAMS), null otherwise.
 */
public record UblkParams(Basic basic, Discard discard, Devt devt) {
    public UblkParams {
        if (basic == null)
            throw new IllegalArgumentException("ublk params need the basic part (UBLK_PARAM_TYPE_BASIC)");
    }

    /** {@code struct ublk_param_basic}; sizes in 512-byte sectors, block sizes as log2. */
    public record Basic(
            int attrs,
            int logicalBsShift,
            int physicalBsShift,
            int ioOptShift,
            int ioMinShift,
            int maxSectors,
            int chunkSectors,
            long devSectors,
            long virtBoundaryMask) {
        public int logicalBlockSize() {
            return 1 << logicalBsShift;
        }

        public int physicalBlockSize() {
            return 1 << physicalBsShift;
        }

        public long sizeBytes() {
            return devSectors << 9;
        }
    }

    /** {@code struct ublk_param_discard}. */
    public record Discard(
            int discardAlignment,
            int discardGranularity,
            int maxDiscardSectors,
            int maxWriteZeroesSectors,
            int maxDiscardSegments) {}

    /** {@code struct ublk_param_devt}: the char (/dev/ublkcN) and disk (/dev/ublkbN) device numbers. */
    public record Devt(int charMajor, int charMinor, int diskMajor, int diskMinor) {}

    /** The UBLK_PARAM_TYPE_* bits present. */
    public int types() {
        return UBLK_PARAM_TYPE_BASIC
                | (discard != null ? UBLK_PARAM_TYPE_DISCARD : 0)
                | (devt != null ? UBLK_PARAM_TYPE_DEVT : 0);
    }

    /** Writes these params into {@code p} (a zeroed {@code ublk_params}); devt is the kernel's, never sent. */
    void write(MemorySegment p) {
        ublk_params.len(p, (int) ublk_params.sizeof());
        ublk_params.types(p, types() & ~UBLK_PARAM_TYPE_DEVT);
        long b = ublk_params.basic$OFFSET;
        ublk_param_basic.attrs$at(p, b, basic.attrs);
        ublk_param_basic.logical_bs_shift$at(p, b, (byte) basic.logicalBsShift);
        ublk_param_basic.physical_bs_shift$at(p, b, (byte) basic.physicalBsShift);
        ublk_param_basic.io_opt_shift$at(p, b, (byte) basic.ioOptShift);
        ublk_param_basic.io_min_shift$at(p, b, (byte) basic.ioMinShift);
        ublk_param_basic.max_sectors$at(p, b, basic.maxSectors);
        ublk_param_basic.chunk_sectors$at(p, b, basic.chunkSectors);
        ublk_param_basic.dev_sectors$at(p, b, basic.devSectors);
        ublk_param_basic.virt_boundary_mask$at(p, b, basic.virtBoundaryMask);
        if (discard != null) {
            long d = ublk_params.discard$OFFSET;
            ublk_param_discard.discard_alignment$at(p, d, discard.discardAlignment);
            ublk_param_discard.discard_granularity$at(p, d, discard.discardGranularity);
            ublk_param_discard.max_discard_sectors$at(p, d, discard.maxDiscardSectors);
            ublk_param_discard.max_write_zeroes_sectors$at(p, d, discard.maxWriteZeroesSectors);
            ublk_param_discard.max_discard_segments$at(p, d, (short) discard.maxDiscardSegments);
        }
    }

    /** Reads the params the kernel returned into {@code p}. */
    static UblkParams read(MemorySegment p) {
        int types = ublk_params.types(p);
        long b = ublk_params.basic$OFFSET;
        Basic basic = new Basic(
                ublk_param_basic.attrs$at(p, b),
                ublk_param_basic.logical_bs_shift$at(p, b) & 0xff,
                ublk_param_basic.physical_bs_shift$at(p, b) & 0xff,
                ublk_param_basic.io_opt_shift$at(p, b) & 0xff,
                ublk_param_basic.io_min_shift$at(p, b) & 0xff,
                ublk_param_basic.max_sectors$at(p, b),
                ublk_param_basic.chunk_sectors$at(p, b),
                ublk_param_basic.dev_sectors$at(p, b),
                ublk_param_basic.virt_boundary_mask$at(p, b));
        Discard discard = null;
        if ((types & UBLK_PARAM_TYPE_DISCARD) != 0) {
            long d = ublk_params.discard$OFFSET;
            discard = new Discard(
                    ublk_param_discard.discard_alignment$at(p, d),
                    ublk_param_discard.discard_granularity$at(p, d),
                    ublk_param_discard.max_discard_sectors$at(p, d),
                    ublk_param_discard.max_write_zeroes_sectors$at(p, d),
                    ublk_param_discard.max_discard_segments$at(p, d) & 0xffff);
        }
        Devt devt = null;
        if ((types & UBLK_PARAM_TYPE_DEVT) != 0) {
            long t = ublk_params.devt$OFFSET;
            devt = new Devt(
                    ublk_param_devt.char_major$at(p, t),
                    ublk_param_devt.char_minor$at(p, t),
                    ublk_param_devt.disk_major$at(p, t),
                    ublk_param_devt.disk_minor$at(p, t));
        }
        return new UblkParams(basic, discard, devt);
    }
}
