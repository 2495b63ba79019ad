package dev.ublks3.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.*;

/**
 * {@code struct __kernel_timespec} from {@code <linux/time_types.h>}, in jextract's shape (see the package documentation).
 * The 64-bit timespec the io_uring UAPI uses.
 */
public final class __kernel_timespec {
    private __kernel_timespec() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        JAVA_LONG.withName("tv_sec"),
        JAVA_LONG.withName("tv_nsec")).withName("__kernel_timespec");

    /** The layout of the struct. */
    public static final GroupLayout layout() { return $LAYOUT; }

    /** Size of the struct in bytes. */
    public static long sizeof() { return $LAYOUT.byteSize(); }

    /** A zeroed struct from {@code allocator}. */
    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate($LAYOUT); }

    private static final ValueLayout.OfLong tv_sec$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("tv_sec"));
    public static final long tv_sec$OFFSET = $LAYOUT.byteOffset(groupElement("tv_sec"));
    public static long tv_sec(MemorySegment s) { return s.get(tv_sec$LAYOUT, tv_sec$OFFSET); }
    public static void tv_sec(MemorySegment s, long v) { s.set(tv_sec$LAYOUT, tv_sec$OFFSET, v); }
    public static long tv_sec$at(MemorySegment s, long base) { return s.get(tv_sec$LAYOUT, base + tv_sec$OFFSET); }
    public static void tv_sec$at(MemorySegment s, long base, long v) { s.set(tv_sec$LAYOUT, base + tv_sec$OFFSET, v); }

    private static final ValueLayout.OfLong tv_nsec$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("tv_nsec"));
    public static final long tv_nsec$OFFSET = $LAYOUT.byteOffset(groupElement("tv_nsec"));
    public static long tv_nsec(MemorySegment s) { return s.get(tv_nsec$LAYOUT, tv_nsec$OFFSET); }
    public static void tv_nsec(MemorySegment s, long v) { s.set(tv_nsec$LAYOUT, tv_nsec$OFFSET, v); }
    public static long tv_nsec$at(MemorySegment s, long base) { return s.get(tv_nsec$LAYOUT, base + tv_nsec$OFFSET); }
    public static void tv_nsec$at(MemorySegment s, long base, long v) { s.set(tv_nsec$LAYOUT, base + tv_nsec$OFFSET, v); }

}
