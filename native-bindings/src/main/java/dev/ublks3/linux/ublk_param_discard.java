package dev.ublks3.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.*;

/**
 * {@code struct ublk_param_discard} from {@code <linux/ublk_cmd.h>}, in jextract's shape (see the package documentation).
 * Discard and write-zeroes limits (UBLK_PARAM_TYPE_DISCARD).
 */
public final class ublk_param_discard {
    private ublk_param_discard() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        JAVA_INT.withName("discard_alignment"),
        JAVA_INT.withName("discard_granularity"),
        JAVA_INT.withName("max_discard_sectors"),
        JAVA_INT.withName("max_write_zeroes_sectors"),
        JAVA_SHORT.withName("max_discard_segments"),
        JAVA_SHORT.withName("reserved0")).withName("ublk_param_discard");

    /** The layout of the struct. */
    public static final GroupLayout layout() { return $LAYOUT; }

    /** Size of the struct in bytes. */
    public static long sizeof() { return $LAYOUT.byteSize(); }

    /** A zeroed struct from {@code allocator}. */
    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate($LAYOUT); }

    private static final ValueLayout.OfInt discard_alignment$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("discard_alignment"));
    public static final long discard_alignment$OFFSET = $LAYOUT.byteOffset(groupElement("discard_alignment"));
    public static int discard_alignment(MemorySegment s) { return s.get(discard_alignment$LAYOUT, discard_alignment$OFFSET); }
    public static void discard_alignment(MemorySegment s, int v) { s.set(discard_alignment$LAYOUT, discard_alignment$OFFSET, v); }
    public static int discard_alignment$at(MemorySegment s, long base) { return s.get(discard_alignment$LAYOUT, base + discard_alignment$OFFSET); }
    public static void discard_alignment$at(MemorySegment s, long base, int v) { s.set(discard_alignment$LAYOUT, base + discard_alignment$OFFSET, v); }

    private static final ValueLayout.OfInt discard_granularity$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("discard_granularity"));
    public static final long discard_granularity$OFFSET = $LAYOUT.byteOffset(groupElement("discard_granularity"));
    public static int discard_granularity(MemorySegment s) { return s.get(discard_granularity$LAYOUT, discard_granularity$OFFSET); }
    public static void discard_granularity(MemorySegment s, int v) { s.set(discard_granularity$LAYOUT, discard_granularity$OFFSET, v); }
    public static int discard_granularity$at(MemorySegment s, long base) { return s.get(discard_granularity$LAYOUT, base + discard_granularity$OFFSET); }
    public static void discard_granularity$at(MemorySegment s, long base, int v) { s.set(discard_granularity$LAYOUT, base + discard_granularity$OFFSET, v); }

    private static final ValueLayout.OfInt max_discard_sectors$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("max_discard_sectors"));
    public static final long max_discard_sectors$OFFSET = $LAYOUT.byteOffset(groupElement("max_discard_sectors"));
    public static int max_discard_sectors(MemorySegment s) { return s.get(max_discard_sectors$LAYOUT, max_discard_sectors$OFFSET); }
    public static void max_discard_sectors(MemorySegment s, int v) { s.set(max_discard_sectors$LAYOUT, max_discard_sectors$OFFSET, v); }
    public static int max_discard_sectors$at(MemorySegment s, long base) { return s.get(max_discard_sectors$LAYOUT, base + max_discard_sectors$OFFSET); }
    public static void max_discard_sectors$at(MemorySegment s, long base, int v) { s.set(max_discard_sectors$LAYOUT, base + max_discard_sectors$OFFSET, v); }

    private static final ValueLayout.OfInt max_write_zeroes_sectors$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("max_write_zeroes_sectors"));
    public static final long max_write_zeroes_sectors$OFFSET = $LAYOUT.byteOffset(groupElement("max_write_zeroes_sectors"));
    public static int max_write_zeroes_sectors(MemorySegment s) { return s.get(max_write_zeroes_sectors$LAYOUT, max_write_zeroes_sectors$OFFSET); }
    public static void max_write_zeroes_sectors(MemorySegment s, int v) { s.set(max_write_zeroes_sectors$LAYOUT, max_write_zeroes_sectors$OFFSET, v); }
    public static int max_write_zeroes_sectors$at(MemorySegment s, long base) { return s.get(max_write_zeroes_sectors$LAYOUT, base + max_write_zeroes_sectors$OFFSET); }
    public static void max_write_zeroes_sectors$at(MemorySegment s, long base, int v) { s.set(max_write_zeroes_sectors$LAYOUT, base + max_write_zeroes_sectors$OFFSET, v); }

    private static final ValueLayout.OfShort max_discard_segments$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("max_discard_segments"));
    public static final long max_discard_segments$OFFSET = $LAYOUT.byteOffset(groupElement("max_discard_segments"));
    public static short max_discard_segments(MemorySegment s) { return s.get(max_discard_segments$LAYOUT, max_discard_segments$OFFSET); }
    public static void max_discard_segments(MemorySegment s, short v) { s.set(max_discard_segments$LAYOUT, max_discard_segments$OFFSET, v); }
    public static short max_discard_segments$at(MemorySegment s, long base) { return s.get(max_discard_segments$LAYOUT, base + max_discard_segments$OFFSET); }
    public static void max_discard_segments$at(MemorySegment s, long base, short v) { s.set(max_discard_segments$LAYOUT, base + max_discard_segments$OFFSET, v); }

}
