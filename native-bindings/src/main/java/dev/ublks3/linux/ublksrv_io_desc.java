package dev.ublks3.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.*;

/**
 * {@code struct ublksrv_io_desc} from {@code <linux/ublk_cmd.h>}, in jextract's shape (see the package documentation).
 * One request descriptor in the per-queue array the server mmaps read-only from {@code /dev/ublkcN}, indexed by tag:
 * use the {@code $at} accessors with {@code base = tag * sizeof()}. {@code op_flags}: op in bits 0-7, UBLK_IO_F_* above.
 */
public final class ublksrv_io_desc {
    private ublksrv_io_desc() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        JAVA_INT.withName("op_flags"),
        MemoryLayout.unionLayout(
            JAVA_INT.withName("nr_sectors"),
            JAVA_INT.withName("nr_zones")),
        JAVA_LONG.withName("start_sector"),
        JAVA_LONG.withName("addr")).withName("ublksrv_io_desc");

    /** The layout of the struct. */
    public static final GroupLayout layout() { return $LAYOUT; }

    /** Size of the struct in bytes. */
    public static long sizeof() { return $LAYOUT.byteSize(); }

    /** A zeroed struct from {@code allocator}. */
    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate($LAYOUT); }

    private static final ValueLayout.OfInt op_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("op_flags"));
    public static final long op_flags$OFFSET = $LAYOUT.byteOffset(groupElement("op_flags"));
    public static int op_flags(MemorySegment s) { return s.get(op_flags$LAYOUT, op_flags$OFFSET); }
    public static void op_flags(MemorySegment s, int v) { s.set(op_flags$LAYOUT, op_flags$OFFSET, v); }
    public static int op_flags$at(MemorySegment s, long base) { return s.get(op_flags$LAYOUT, base + op_flags$OFFSET); }
    public static void op_flags$at(MemorySegment s, long base, int v) { s.set(op_flags$LAYOUT, base + op_flags$OFFSET, v); }

    private static final ValueLayout.OfInt nr_sectors$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement(1), groupElement("nr_sectors"));
    public static final long nr_sectors$OFFSET = $LAYOUT.byteOffset(groupElement(1), groupElement("nr_sectors"));
    public static int nr_sectors(MemorySegment s) { return s.get(nr_sectors$LAYOUT, nr_sectors$OFFSET); }
    public static void nr_sectors(MemorySegment s, int v) { s.set(nr_sectors$LAYOUT, nr_sectors$OFFSET, v); }
    public static int nr_sectors$at(MemorySegment s, long base) { return s.get(nr_sectors$LAYOUT, base + nr_sectors$OFFSET); }
    public static void nr_sectors$at(MemorySegment s, long base, int v) { s.set(nr_sectors$LAYOUT, base + nr_sectors$OFFSET, v); }

    private static final ValueLayout.OfLong start_sector$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("start_sector"));
    public static final long start_sector$OFFSET = $LAYOUT.byteOffset(groupElement("start_sector"));
    public static long start_sector(MemorySegment s) { return s.get(start_sector$LAYOUT, start_sector$OFFSET); }
    public static void start_sector(MemorySegment s, long v) { s.set(start_sector$LAYOUT, start_sector$OFFSET, v); }
    public static long start_sector$at(MemorySegment s, long base) { return s.get(start_sector$LAYOUT, base + start_sector$OFFSET); }
    public static void start_sector$at(MemorySegment s, long base, long v) { s.set(start_sector$LAYOUT, base + start_sector$OFFSET, v); }

    /** The UBLK_IO_OP_* of a descriptor (kernel's {@code ublksrv_get_op}). */
    public static int op$at(MemorySegment s, long base) { return op_flags$at(s, base) & 0xff; }

    /** The UBLK_IO_F_* bits of a descriptor, shifted down by 8 (kernel's {@code ublksrv_get_flags}). */
    public static int flags$at(MemorySegment s, long base) { return op_flags$at(s, base) >>> 8; }

}
