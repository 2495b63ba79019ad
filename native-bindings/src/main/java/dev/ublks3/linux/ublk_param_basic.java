package dev.ublks3.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.*;

/**
 * {@code struct ublk_param_basic} from {@code <linux/ublk_cmd.h>}, in jextract's shape (see the package documentation).
 * Basic device parameters (UBLK_PARAM_TYPE_BASIC), required by SET_PARAMS.
 */
public final class ublk_param_basic {
    private ublk_param_basic() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        JAVA_INT.withName("attrs"),
        JAVA_BYTE.withName("logical_bs_shift"),
        JAVA_BYTE.withName("physical_bs_shift"),
        JAVA_BYTE.withName("io_opt_shift"),
        JAVA_BYTE.withName("io_min_shift"),
        JAVA_INT.withName("max_sectors"),
        JAVA_INT.withName("chunk_sectors"),
        JAVA_LONG.withName("dev_sectors"),
        JAVA_LONG.withName("virt_boundary_mask")).withName("ublk_param_basic");

    /** The layout of the struct. */
    public static final GroupLayout layout() { return $LAYOUT; }

    /** Size of the struct in bytes. */
    public static long sizeof() { return $LAYOUT.byteSize(); }

    /** A zeroed struct from {@code allocator}. */
    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate($LAYOUT); }

    private static final ValueLayout.OfInt attrs$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("attrs"));
    public static final long attrs$OFFSET = $LAYOUT.byteOffset(groupElement("attrs"));
    public static int attrs(MemorySegment s) { return s.get(attrs$LAYOUT, attrs$OFFSET); }
    public static void attrs(MemorySegment s, int v) { s.set(attrs$LAYOUT, attrs$OFFSET, v); }
    public static int attrs$at(MemorySegment s, long base) { return s.get(attrs$LAYOUT, base + attrs$OFFSET); }
    public static void attrs$at(MemorySegment s, long base, int v) { s.set(attrs$LAYOUT, base + attrs$OFFSET, v); }

    private static final ValueLayout.OfByte logical_bs_shift$LAYOUT = (ValueLayout.OfByte) $LAYOUT.select(groupElement("logical_bs_shift"));
    public static final long logical_bs_shift$OFFSET = $LAYOUT.byteOffset(groupElement("logical_bs_shift"));
    public static byte logical_bs_shift(MemorySegment s) { return s.get(logical_bs_shift$LAYOUT, logical_bs_shift$OFFSET); }
    public static void logical_bs_shift(MemorySegment s, byte v) { s.set(logical_bs_shift$LAYOUT, logical_bs_shift$OFFSET, v); }
    public static byte logical_bs_shift$at(MemorySegment s, long base) { return s.get(logical_bs_shift$LAYOUT, base + logical_bs_shift$OFFSET); }
    public static void logical_bs_shift$at(MemorySegment s, long base, byte v) { s.set(logical_bs_shift$LAYOUT, base + logical_bs_shift$OFFSET, v); }

    private static final ValueLayout.OfByte physical_bs_shift$LAYOUT = (ValueLayout.OfByte) $LAYOUT.select(groupElement("physical_bs_shift"));
    public static final long physical_bs_shift$OFFSET = $LAYOUT.byteOffset(groupElement("physical_bs_shift"));
    public static byte physical_bs_shift(MemorySegment s) { return s.get(physical_bs_shift$LAYOUT, physical_bs_shift$OFFSET); }
    public static void physical_bs_shift(MemorySegment s, byte v) { s.set(physical_bs_shift$LAYOUT, physical_bs_shift$OFFSET, v); }
    public static byte physical_bs_shift$at(MemorySegment s, long base) { return s.get(physical_bs_shift$LAYOUT, base + physical_bs_shift$OFFSET); }
    public static void physical_bs_shift$at(MemorySegment s, long base, byte v) { s.set(physical_bs_shift$LAYOUT, base + physical_bs_shift$OFFSET, v); }

    private static final ValueLayout.OfByte io_opt_shift$LAYOUT = (ValueLayout.OfByte) $LAYOUT.select(groupElement("io_opt_shift"));
    public static final long io_opt_shift$OFFSET = $LAYOUT.byteOffset(groupElement("io_opt_shift"));
    public static byte io_opt_shift(MemorySegment s) { return s.get(io_opt_shift$LAYOUT, io_opt_shift$OFFSET); }
    public static void io_opt_shift(MemorySegment s, byte v) { s.set(io_opt_shift$LAYOUT, io_opt_shift$OFFSET, v); }
    public static byte io_opt_shift$at(MemorySegment s, long base) { return s.get(io_opt_shift$LAYOUT, base + io_opt_shift$OFFSET); }
    public static void io_opt_shift$at(MemorySegment s, long base, byte v) { s.set(io_opt_shift$LAYOUT, base + io_opt_shift$OFFSET, v); }

    private static final ValueLayout.OfByte io_min_shift$LAYOUT = (ValueLayout.OfByte) $LAYOUT.select(groupElement("io_min_shift"));
    public static final long io_min_shift$OFFSET = $LAYOUT.byteOffset(groupElement("io_min_shift"));
    public static byte io_min_shift(MemorySegment s) { return s.get(io_min_shift$LAYOUT, io_min_shift$OFFSET); }
    public static void io_min_shift(MemorySegment s, byte v) { s.set(io_min_shift$LAYOUT, io_min_shift$OFFSET, v); }
    public static byte io_min_shift$at(MemorySegment s, long base) { return s.get(io_min_shift$LAYOUT, base + io_min_shift$OFFSET); }
    public static void io_min_shift$at(MemorySegment s, long base, byte v) { s.set(io_min_shift$LAYOUT, base + io_min_shift$OFFSET, v); }

    private static final ValueLayout.OfInt max_sectors$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("max_sectors"));
    public static final long max_sectors$OFFSET = $LAYOUT.byteOffset(groupElement("max_sectors"));
    public static int max_sectors(MemorySegment s) { return s.get(max_sectors$LAYOUT, max_sectors$OFFSET); }
    public static void max_sectors(MemorySegment s, int v) { s.set(max_sectors$LAYOUT, max_sectors$OFFSET, v); }
    public static int max_sectors$at(MemorySegment s, long base) { return s.get(max_sectors$LAYOUT, base + max_sectors$OFFSET); }
    public static void max_sectors$at(MemorySegment s, long base, int v) { s.set(max_sectors$LAYOUT, base + max_sectors$OFFSET, v); }

    private static final ValueLayout.OfInt chunk_sectors$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("chunk_sectors"));
    public static final long chunk_sectors$OFFSET = $LAYOUT.byteOffset(groupElement("chunk_sectors"));
    public static int chunk_sectors(MemorySegment s) { return s.get(chunk_sectors$LAYOUT, chunk_sectors$OFFSET); }
    public static void chunk_sectors(MemorySegment s, int v) { s.set(chunk_sectors$LAYOUT, chunk_sectors$OFFSET, v); }
    public static int chunk_sectors$at(MemorySegment s, long base) { return s.get(chunk_sectors$LAYOUT, base + chunk_sectors$OFFSET); }
    public static void chunk_sectors$at(MemorySegment s, long base, int v) { s.set(chunk_sectors$LAYOUT, base + chunk_sectors$OFFSET, v); }

    private static final ValueLayout.OfLong dev_sectors$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("dev_sectors"));
    public static final long dev_sectors$OFFSET = $LAYOUT.byteOffset(groupElement("dev_sectors"));
    public static long dev_sectors(MemorySegment s) { return s.get(dev_sectors$LAYOUT, dev_sectors$OFFSET); }
    public static void dev_sectors(MemorySegment s, long v) { s.set(dev_sectors$LAYOUT, dev_sectors$OFFSET, v); }
    public static long dev_sectors$at(MemorySegment s, long base) { return s.get(dev_sectors$LAYOUT, base + dev_sectors$OFFSET); }
    public static void dev_sectors$at(MemorySegment s, long base, long v) { s.set(dev_sectors$LAYOUT, base + dev_sectors$OFFSET, v); }

    private static final ValueLayout.OfLong virt_boundary_mask$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("virt_boundary_mask"));
    public static final long virt_boundary_mask$OFFSET = $LAYOUT.byteOffset(groupElement("virt_boundary_mask"));
    public static long virt_boundary_mask(MemorySegment s) { return s.get(virt_boundary_mask$LAYOUT, virt_boundary_mask$OFFSET); }
    public static void virt_boundary_mask(MemorySegment s, long v) { s.set(virt_boundary_mask$LAYOUT, virt_boundary_mask$OFFSET, v); }
    public static long virt_boundary_mask$at(MemorySegment s, long base) { return s.get(virt_boundary_mask$LAYOUT, base + virt_boundary_mask$OFFSET); }
    public static void virt_boundary_mask$at(MemorySegment s, long base, long v) { s.set(virt_boundary_mask$LAYOUT, base + virt_boundary_mask$OFFSET, v); }

}
