package dev.ublks3.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.*;
import java.util.Objects;

/**
 * {@code struct ublk_param_zoned} from {@code <linux/ublk_cmd.h>}, in jextract's shape: {@link #layout()}, byte offsets
 * ({@code field$OFFSET}) and static accessors {@code field(segment)} / {@code field(segment, value)}.
 * The {@code field$at(segment, base, ...)} variants address a struct at byte offset {@code base} of a
 * larger segment (an array, or the command area of an SQE) without slicing.
 * Zoned device limits (UBLK_PARAM_TYPE_ZONED, Linux 6.6).
 */
public final class ublk_param_zoned {
    private ublk_param_zoned() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        JAVA_INT.withName("max_open_zones"),
        JAVA_INT.withName("max_active_zones"),
        JAVA_INT.withName("max_zone_append_sectors"),
        MemoryLayout.sequenceLayout(20, JAVA_BYTE).withName("reserved")).withName("ublk_param_zoned");

    /** The layout of the struct. */
    public static final GroupLayout layout() { return $LAYOUT; }

    /** Size of the struct in bytes. */
    public static long sizeof() { return $LAYOUT.byteSize(); }

    /** A zeroed struct from {@code allocator}. */
    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate($LAYOUT); }

    private static final ValueLayout.OfInt max_open_zones$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("max_open_zones"));
    public static final long max_open_zones$OFFSET = $LAYOUT.byteOffset(groupElement("max_open_zones"));
    public static int max_open_zones(MemorySegment s) { return s.get(max_open_zones$LAYOUT, max_open_zones$OFFSET); }
    public static void max_open_zones(MemorySegment s, int v) { s.set(max_open_zones$LAYOUT, max_open_zones$OFFSET, v); }
    public static int max_open_zones$at(MemorySegment s, long base) { return s.get(max_open_zones$LAYOUT, base + max_open_zones$OFFSET); }
    public static void max_open_zones$at(MemorySegment s, long base, int v) { s.set(max_open_zones$LAYOUT, base + max_open_zones$OFFSET, v); }

    private static final ValueLayout.OfInt max_active_zones$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("max_active_zones"));
    public static final long max_active_zones$OFFSET = $LAYOUT.byteOffset(groupElement("max_active_zones"));
    public static int max_active_zones(MemorySegment s) { return s.get(max_active_zones$LAYOUT, max_active_zones$OFFSET); }
    public static void max_active_zones(MemorySegment s, int v) { s.set(max_active_zones$LAYOUT, max_active_zones$OFFSET, v); }
    public static int max_active_zones$at(MemorySegment s, long base) { return s.get(max_active_zones$LAYOUT, base + max_active_zones$OFFSET); }
    public static void max_active_zones$at(MemorySegment s, long base, int v) { s.set(max_active_zones$LAYOUT, base + max_active_zones$OFFSET, v); }

    private static final ValueLayout.OfInt max_zone_append_sectors$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("max_zone_append_sectors"));
    public static final long max_zone_append_sectors$OFFSET = $LAYOUT.byteOffset(groupElement("max_zone_append_sectors"));
    public static int max_zone_append_sectors(MemorySegment s) { return s.get(max_zone_append_sectors$LAYOUT, max_zone_append_sectors$OFFSET); }
    public static void max_zone_append_sectors(MemorySegment s, int v) { s.set(max_zone_append_sectors$LAYOUT, max_zone_append_sectors$OFFSET, v); }
    public static int max_zone_append_sectors$at(MemorySegment s, long base) { return s.get(max_zone_append_sectors$LAYOUT, base + max_zone_append_sectors$OFFSET); }
    public static void max_zone_append_sectors$at(MemorySegment s, long base, int v) { s.set(max_zone_append_sectors$LAYOUT, base + max_zone_append_sectors$OFFSET, v); }

    private static final SequenceLayout reserved$LAYOUT = (SequenceLayout) $LAYOUT.select(groupElement("reserved"));
    private static final ValueLayout.OfByte reserved$ELEMENT = (ValueLayout.OfByte) reserved$LAYOUT.elementLayout();
    public static final long reserved$OFFSET = $LAYOUT.byteOffset(groupElement("reserved"));
    /** Number of elements of {@code reserved}. */
    public static final long reserved$COUNT = reserved$LAYOUT.elementCount();
    public static MemorySegment reserved(MemorySegment s) { return s.asSlice(reserved$OFFSET, reserved$LAYOUT); }
    public static byte reserved(MemorySegment s, long i) { return reserved$at(s, 0, i); }
    public static void reserved(MemorySegment s, long i, byte v) { reserved$at(s, 0, i, v); }
    public static byte reserved$at(MemorySegment s, long base, long i) {
        return s.get(reserved$ELEMENT, base + reserved$OFFSET + Objects.checkIndex(i, reserved$COUNT) * reserved$ELEMENT.byteSize());
    }
    public static void reserved$at(MemorySegment s, long base, long i, byte v) {
        s.set(reserved$ELEMENT, base + reserved$OFFSET + Objects.checkIndex(i, reserved$COUNT) * reserved$ELEMENT.byteSize(), v);
    }

}
