package dev.ublks3.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.*;

/**
 * {@code struct io_cqring_offsets} from {@code <linux/io_uring.h>}, in jextract's shape (see the package documentation).
 * Offsets into the CQ ring mapping, filled by {@code io_uring_setup}.
 */
public final class io_cqring_offsets {
    private io_cqring_offsets() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        JAVA_INT.withName("head"),
        JAVA_INT.withName("tail"),
        JAVA_INT.withName("ring_mask"),
        JAVA_INT.withName("ring_entries"),
        JAVA_INT.withName("overflow"),
        JAVA_INT.withName("cqes"),
        JAVA_INT.withName("flags"),
        JAVA_INT.withName("resv1"),
        JAVA_LONG.withName("resv2")).withName("io_cqring_offsets");

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

    private static final ValueLayout.OfInt overflow$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("overflow"));
    public static final long overflow$OFFSET = $LAYOUT.byteOffset(groupElement("overflow"));
    public static int overflow(MemorySegment s) { return s.get(overflow$LAYOUT, overflow$OFFSET); }
    public static void overflow(MemorySegment s, int v) { s.set(overflow$LAYOUT, overflow$OFFSET, v); }
    public static int overflow$at(MemorySegment s, long base) { return s.get(overflow$LAYOUT, base + overflow$OFFSET); }
    public static void overflow$at(MemorySegment s, long base, int v) { s.set(overflow$LAYOUT, base + overflow$OFFSET, v); }

    private static final ValueLayout.OfInt cqes$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("cqes"));
    public static final long cqes$OFFSET = $LAYOUT.byteOffset(groupElement("cqes"));
    public static int cqes(MemorySegment s) { return s.get(cqes$LAYOUT, cqes$OFFSET); }
    public static void cqes(MemorySegment s, int v) { s.set(cqes$LAYOUT, cqes$OFFSET, v); }
    public static int cqes$at(MemorySegment s, long base) { return s.get(cqes$LAYOUT, base + cqes$OFFSET); }
    public static void cqes$at(MemorySegment s, long base, int v) { s.set(cqes$LAYOUT, base + cqes$OFFSET, v); }

}
