package dev.ublks3.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.*;

/**
 * {@code struct io_uring_params} from {@code <linux/io_uring.h>}, in jextract's shape (see the package documentation).
 * Argument of {@code io_uring_setup}: in = entries and flags, out = sizes, features, ring offsets.
 */
public final class io_uring_params {
    private io_uring_params() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        JAVA_INT.withName("sq_entries"),
        JAVA_INT.withName("cq_entries"),
        JAVA_INT.withName("flags"),
        JAVA_INT.withName("sq_thread_cpu"),
        JAVA_INT.withName("sq_thread_idle"),
        JAVA_INT.withName("features"),
        JAVA_INT.withName("wq_fd"),
        MemoryLayout.sequenceLayout(3, JAVA_INT).withName("resv"),
        io_sqring_offsets.layout().withName("sq_off"),
        io_cqring_offsets.layout().withName("cq_off")).withName("io_uring_params");

    /** The layout of the struct. */
    public static final GroupLayout layout() { return $LAYOUT; }

    /** Size of the struct in bytes. */
    public static long sizeof() { return $LAYOUT.byteSize(); }

    /** A zeroed struct from {@code allocator}. */
    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate($LAYOUT); }

    private static final ValueLayout.OfInt sq_entries$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("sq_entries"));
    public static final long sq_entries$OFFSET = $LAYOUT.byteOffset(groupElement("sq_entries"));
    public static int sq_entries(MemorySegment s) { return s.get(sq_entries$LAYOUT, sq_entries$OFFSET); }
    public static void sq_entries(MemorySegment s, int v) { s.set(sq_entries$LAYOUT, sq_entries$OFFSET, v); }
    public static int sq_entries$at(MemorySegment s, long base) { return s.get(sq_entries$LAYOUT, base + sq_entries$OFFSET); }
    public static void sq_entries$at(MemorySegment s, long base, int v) { s.set(sq_entries$LAYOUT, base + sq_entries$OFFSET, v); }

    private static final ValueLayout.OfInt cq_entries$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("cq_entries"));
    public static final long cq_entries$OFFSET = $LAYOUT.byteOffset(groupElement("cq_entries"));
    public static int cq_entries(MemorySegment s) { return s.get(cq_entries$LAYOUT, cq_entries$OFFSET); }
    public static void cq_entries(MemorySegment s, int v) { s.set(cq_entries$LAYOUT, cq_entries$OFFSET, v); }
    public static int cq_entries$at(MemorySegment s, long base) { return s.get(cq_entries$LAYOUT, base + cq_entries$OFFSET); }
    public static void cq_entries$at(MemorySegment s, long base, int v) { s.set(cq_entries$LAYOUT, base + cq_entries$OFFSET, v); }

    private static final ValueLayout.OfInt flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("flags"));
    public static final long flags$OFFSET = $LAYOUT.byteOffset(groupElement("flags"));
    public static int flags(MemorySegment s) { return s.get(flags$LAYOUT, flags$OFFSET); }
    public static void flags(MemorySegment s, int v) { s.set(flags$LAYOUT, flags$OFFSET, v); }
    public static int flags$at(MemorySegment s, long base) { return s.get(flags$LAYOUT, base + flags$OFFSET); }
    public static void flags$at(MemorySegment s, long base, int v) { s.set(flags$LAYOUT, base + flags$OFFSET, v); }

    private static final ValueLayout.OfInt features$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("features"));
    public static final long features$OFFSET = $LAYOUT.byteOffset(groupElement("features"));
    public static int features(MemorySegment s) { return s.get(features$LAYOUT, features$OFFSET); }
    public static void features(MemorySegment s, int v) { s.set(features$LAYOUT, features$OFFSET, v); }
    public static int features$at(MemorySegment s, long base) { return s.get(features$LAYOUT, base + features$OFFSET); }
    public static void features$at(MemorySegment s, long base, int v) { s.set(features$LAYOUT, base + features$OFFSET, v); }

    public static final long sq_off$OFFSET = $LAYOUT.byteOffset(groupElement("sq_off"));
    /** The nested {@code io_sqring_offsets} as a slice (read and write through {@link io_sqring_offsets}). */
    public static MemorySegment sq_off(MemorySegment s) { return s.asSlice(sq_off$OFFSET, io_sqring_offsets.layout()); }
    public static void sq_off(MemorySegment s, MemorySegment v) { MemorySegment.copy(v, 0, s, sq_off$OFFSET, io_sqring_offsets.sizeof()); }

    public static final long cq_off$OFFSET = $LAYOUT.byteOffset(groupElement("cq_off"));
    /** The nested {@code io_cqring_offsets} as a slice (read and write through {@link io_cqring_offsets}). */
    public static MemorySegment cq_off(MemorySegment s) { return s.asSlice(cq_off$OFFSET, io_cqring_offsets.layout()); }
    public static void cq_off(MemorySegment s, MemorySegment v) { MemorySegment.copy(v, 0, s, cq_off$OFFSET, io_cqring_offsets.sizeof()); }

}
