package dev.ublks3.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.*;

/**
 * {@code struct ublk_param_devt} from {@code <linux/ublk_cmd.h>}, in jextract's shape (see the package documentation).
 * Char and block device numbers (UBLK_PARAM_TYPE_DEVT); read-only, from GET_PARAMS.
 */
public final class ublk_param_devt {
    private ublk_param_devt() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        JAVA_INT.withName("char_major"),
        JAVA_INT.withName("char_minor"),
        JAVA_INT.withName("disk_major"),
        JAVA_INT.withName("disk_minor")).withName("ublk_param_devt");

    /** The layout of the struct. */
    public static final GroupLayout layout() { return $LAYOUT; }

    /** Size of the struct in bytes. */
    public static long sizeof() { return $LAYOUT.byteSize(); }

    /** A zeroed struct from {@code allocator}. */
    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate($LAYOUT); }

    private static final ValueLayout.OfInt char_major$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("char_major"));
    public static final long char_major$OFFSET = $LAYOUT.byteOffset(groupElement("char_major"));
    public static int char_major(MemorySegment s) { return s.get(char_major$LAYOUT, char_major$OFFSET); }
    public static void char_major(MemorySegment s, int v) { s.set(char_major$LAYOUT, char_major$OFFSET, v); }
    public static int char_major$at(MemorySegment s, long base) { return s.get(char_major$LAYOUT, base + char_major$OFFSET); }
    public static void char_major$at(MemorySegment s, long base, int v) { s.set(char_major$LAYOUT, base + char_major$OFFSET, v); }

    private static final ValueLayout.OfInt char_minor$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("char_minor"));
    public static final long char_minor$OFFSET = $LAYOUT.byteOffset(groupElement("char_minor"));
    public static int char_minor(MemorySegment s) { return s.get(char_minor$LAYOUT, char_minor$OFFSET); }
    public static void char_minor(MemorySegment s, int v) { s.set(char_minor$LAYOUT, char_minor$OFFSET, v); }
    public static int char_minor$at(MemorySegment s, long base) { return s.get(char_minor$LAYOUT, base + char_minor$OFFSET); }
    public static void char_minor$at(MemorySegment s, long base, int v) { s.set(char_minor$LAYOUT, base + char_minor$OFFSET, v); }

    private static final ValueLayout.OfInt disk_major$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("disk_major"));
    public static final long disk_major$OFFSET = $LAYOUT.byteOffset(groupElement("disk_major"));
    public static int disk_major(MemorySegment s) { return s.get(disk_major$LAYOUT, disk_major$OFFSET); }
    public static void disk_major(MemorySegment s, int v) { s.set(disk_major$LAYOUT, disk_major$OFFSET, v); }
    public static int disk_major$at(MemorySegment s, long base) { return s.get(disk_major$LAYOUT, base + disk_major$OFFSET); }
    public static void disk_major$at(MemorySegment s, long base, int v) { s.set(disk_major$LAYOUT, base + disk_major$OFFSET, v); }

    private static final ValueLayout.OfInt disk_minor$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("disk_minor"));
    public static final long disk_minor$OFFSET = $LAYOUT.byteOffset(groupElement("disk_minor"));
    public static int disk_minor(MemorySegment s) { return s.get(disk_minor$LAYOUT, disk_minor$OFFSET); }
    public static void disk_minor(MemorySegment s, int v) { s.set(disk_minor$LAYOUT, disk_minor$OFFSET, v); }
    public static int disk_minor$at(MemorySegment s, long base) { return s.get(disk_minor$LAYOUT, base + disk_minor$OFFSET); }
    public static void disk_minor$at(MemorySegment s, long base, int v) { s.set(disk_minor$LAYOUT, base + disk_minor$OFFSET, v); }

}
