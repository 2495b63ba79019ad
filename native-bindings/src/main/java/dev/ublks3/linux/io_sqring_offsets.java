package dev.ublks3.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.*;

/**
 * {@code struct io_sqring_offsets} from {@code <linux/io_uring.h>}, in jextract's shape (see the package documentation).
 * Offsets into the SQ ring mapping, filled by {@code io_uring_setup}.
 */
public final class io_sqring_offsets {
    private io_sqring_offsets() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        JAVA_INT.withName("head"),
        JAVA_INT.withName("tail"),
        JAVA_INT.withName("ring_mask"),
        JAVA_INT.withName("ring_entries"),
        JAVA_INT.withName("flags"),
        JAVA_INT.withName("dropped"),
        JAVA_INT.withName("array"),
        JAVA_INT.withName("resv1"),
        JAVA_LONG.withName("resv2")).withName("io_sqring_offsets");

    /** The layout of the struct. */
    public static final GroupLayout layout() { return $LAYOUT; }

    /** Size of the struct in bytes. */
    public static long sizeof() { return $LAYOUT.byteSize(); }

    /** A zeroed struct from {@code allocator}. */
    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate($LAYOUT); }

    private static final ValueLayout.OfInt head$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("head"));
    public static final long head$OFFSET = $LAYOUT.byteOffset(groupElement("head"));
    public static int head(MemorySegment s) { return s.get(head$LAYOUT, head$OFFSET); }
    public static void head(MemorySegment s, int v) { s.set(head$LAYOUT, head$OFFSET, v); }
    public static int head$at(MemorySegment s, long base) { return s.get(head$LAYOUT, base + head$OFFSET); }
    public static void head$at(MemorySegment s, long base, int v) { s.set(head$LAYOUT, base + head$OFFSET, v); }

    private static final ValueLayout.OfInt tail$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("tail"));
    public static final long tail$OFFSET = $LAYOUT.byteOffset(groupElement("tail"));
    public static int tail(MemorySegment s) { return s.get(tail$LAYOUT, tail$OFFSET); }
    public static void tail(MemorySegment s, int v) { s.set(tail$LAYOUT, tail$OFFSET, v); }
    public static int tail$at(MemorySegment s, long base) { return s.get(tail$LAYOUT, base + tail$OFFSET); }
    public static void tail$at(MemorySegment s, long base, int v) { s.set(tail$LAYOUT, base + tail$OFFSET, v); }

    private static final ValueLayout.OfInt ring_mask$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("ring_mask"));
    public static final long ring_mask$OFFSET = $LAYOUT.byteOffset(groupElement("ring_mask"));
    public static int ring_mask(MemorySegment s) { return s.get(ring_mask$LAYOUT, ring_mask$OFFSET); }
    public static void ring_mask(MemorySegment s, int v) { s.set(ring_mask$LAYOUT, ring_mask$OFFSET, v); }
    public static int ring_mask$at(MemorySegment s, long base) { return s.get(ring_mask$LAYOUT, base + ring_mask$OFFSET); }
    public static void ring_mask$at(MemorySegment s, long base, int v) { s.set(ring_mask$LAYOUT, base + ring_mask$OFFSET, v); }

    private static final ValueLayout.OfInt flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("flags"));
    public static final long flags$OFFSET = $LAYOUT.byteOffset(groupElement("flags"));
    public static int flags(MemorySegment s) { return s.get(flags$LAYOUT, flags$OFFSET); }
    public static void flags(MemorySegment s, int v) { s.set(flags$LAYOUT, flags$OFFSET, v); }
    public static int flags$at(MemorySegment s, long base) { return s.get(flags$LAYOUT, base + flags$OFFSET); }
    public static void flags$at(MemorySegment s, long base, int v) { s.set(flags$LAYOUT, base + flags$OFFSET, v); }

    private static final ValueLayout.OfInt array$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("array"));
    public static final long array$OFFSET = $LAYOUT.byteOffset(groupElement("array"));
    public static int array(MemorySegment s) { return s.get(array$LAYOUT, array$OFFSET); }
    public static void array(MemorySegment s, int v) { s.set(array$LAYOUT, array$OFFSET, v); }
    public static int array$at(MemorySegment s, long base) { return s.get(array$LAYOUT, base + array$OFFSET); }
    public static void array$at(MemorySegment s, long base, int v) { s.set(array$LAYOUT, base + array$OFFSET, v); }

}
