package dev.ublks3.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.*;
import java.util.Objects;

/**
 * {@code struct io_uring_cqe} from {@code <linux/io_uring.h>}, in jextract's shape (see the package documentation).
 * A completion. 16 bytes, or 32 with {@code IORING_SETUP_CQE32} ({@link #layout32()}: 16 extra bytes in {@code big_cqe}).
 */
public final class io_uring_cqe {
    private io_uring_cqe() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        JAVA_LONG.withName("user_data"),
        JAVA_INT.withName("res"),
        JAVA_INT.withName("flags")).withName("io_uring_cqe");

    /** The layout of the struct. */
    public static final GroupLayout layout() { return $LAYOUT; }

    /** Size of the struct in bytes. */
    public static long sizeof() { return $LAYOUT.byteSize(); }

    /** A zeroed struct from {@code allocator}. */
    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate($LAYOUT); }

    private static final GroupLayout $LAYOUT32 = MemoryLayout.structLayout(
        JAVA_LONG.withName("user_data"), JAVA_INT.withName("res"), JAVA_INT.withName("flags"),
        MemoryLayout.sequenceLayout(2, JAVA_LONG).withName("big_cqe")).withName("io_uring_cqe32");

    /** The 32-byte CQE of an {@code IORING_SETUP_CQE32} ring: 16 more bytes in {@code big_cqe[2]}. */
    public static final GroupLayout layout32() { return $LAYOUT32; }

    /** Byte offset of {@code big_cqe} (the flexible array after the 16-byte CQE). */
    public static final long big_cqe$OFFSET = $LAYOUT32.byteOffset(groupElement("big_cqe"));

    /** {@code big_cqe[i]} (i = 0, 1) of the 32-byte CQE at byte offset {@code base}. */
    public static long big_cqe$at(MemorySegment s, long base, long i) {
        return s.get(JAVA_LONG, base + big_cqe$OFFSET + Objects.checkIndex(i, 2) * 8);
    }

    private static final ValueLayout.OfLong user_data$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("user_data"));
    public static final long user_data$OFFSET = $LAYOUT.byteOffset(groupElement("user_data"));
    public static long user_data(MemorySegment s) { return s.get(user_data$LAYOUT, user_data$OFFSET); }
    public static void user_data(MemorySegment s, long v) { s.set(user_data$LAYOUT, user_data$OFFSET, v); }
    public static long user_data$at(MemorySegment s, long base) { return s.get(user_data$LAYOUT, base + user_data$OFFSET); }
    public static void user_data$at(MemorySegment s, long base, long v) { s.set(user_data$LAYOUT, base + user_data$OFFSET, v); }

    private static final ValueLayout.OfInt res$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("res"));
    public static final long res$OFFSET = $LAYOUT.byteOffset(groupElement("res"));
    public static int res(MemorySegment s) { return s.get(res$LAYOUT, res$OFFSET); }
    public static void res(MemorySegment s, int v) { s.set(res$LAYOUT, res$OFFSET, v); }
    public static int res$at(MemorySegment s, long base) { return s.get(res$LAYOUT, base + res$OFFSET); }
    public static void res$at(MemorySegment s, long base, int v) { s.set(res$LAYOUT, base + res$OFFSET, v); }

    private static final ValueLayout.OfInt flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("flags"));
    public static final long flags$OFFSET = $LAYOUT.byteOffset(groupElement("flags"));
    public static int flags(MemorySegment s) { return s.get(flags$LAYOUT, flags$OFFSET); }
    public static void flags(MemorySegment s, int v) { s.set(flags$LAYOUT, flags$OFFSET, v); }
    public static int flags$at(MemorySegment s, long base) { return s.get(flags$LAYOUT, base + flags$OFFSET); }
    public static void flags$at(MemorySegment s, long base, int v) { s.set(flags$LAYOUT, base + flags$OFFSET, v); }

}
