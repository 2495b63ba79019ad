package dev.ublks3.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.*;

/**
 * {@code struct io_uring_getevents_arg} from {@code <linux/io_uring.h>}, in jextract's shape (see the package documentation).
 * Argument of {@code io_uring_enter} with {@code IORING_ENTER_EXT_ARG} (wait with a timeout).
 */
public final class io_uring_getevents_arg {
    private io_uring_getevents_arg() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        JAVA_LONG.withName("sigmask"),
        JAVA_INT.withName("sigmask_sz"),
        JAVA_INT.withName("pad"),
        JAVA_LONG.withName("ts")).withName("io_uring_getevents_arg");

    /** The layout of the struct. */
    public static final GroupLayout layout() { return $LAYOUT; }

    /** Size of the struct in bytes. */
    public static long sizeof() { return $LAYOUT.byteSize(); }

    /** A zeroed struct from {@code allocator}. */
    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate($LAYOUT); }

    private static final ValueLayout.OfLong ts$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("ts"));
    public static final long ts$OFFSET = $LAYOUT.byteOffset(groupElement("ts"));
    public static long ts(MemorySegment s) { return s.get(ts$LAYOUT, ts$OFFSET); }
    public static void ts(MemorySegment s, long v) { s.set(ts$LAYOUT, ts$OFFSET, v); }
    public static long ts$at(MemorySegment s, long base) { return s.get(ts$LAYOUT, base + ts$OFFSET); }
    public static void ts$at(MemorySegment s, long base, long v) { s.set(ts$LAYOUT, base + ts$OFFSET, v); }

}
