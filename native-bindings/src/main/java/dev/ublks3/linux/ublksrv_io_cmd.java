package dev.ublks3.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.*;

/**
 * {@code struct ublksrv_io_cmd} from {@code <linux/ublk_cmd.h>}, in jextract's shape (see the package documentation).
 * An IO command (FETCH_REQ, COMMIT_AND_FETCH_REQ, NEED_GET_DATA), carried in the SQE's command area (offset 48).
 */
public final class ublksrv_io_cmd {
    private ublksrv_io_cmd() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        JAVA_SHORT.withName("q_id"),
        JAVA_SHORT.withName("tag"),
        JAVA_INT.withName("result"),
        MemoryLayout.unionLayout(
            JAVA_LONG.withName("addr"),
            JAVA_LONG.withName("zone_append_lba"))).withName("ublksrv_io_cmd");

    /** The layout of the struct. */
    public static final GroupLayout layout() { return $LAYOUT; }

    /** Size of the struct in bytes. */
    public static long sizeof() { return $LAYOUT.byteSize(); }

    /** A zeroed struct from {@code allocator}. */
    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate($LAYOUT); }

    private static final ValueLayout.OfShort q_id$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("q_id"));
    public static final long q_id$OFFSET = $LAYOUT.byteOffset(groupElement("q_id"));
    public static short q_id(MemorySegment s) { return s.get(q_id$LAYOUT, q_id$OFFSET); }
    public static void q_id(MemorySegment s, short v) { s.set(q_id$LAYOUT, q_id$OFFSET, v); }
    public static short q_id$at(MemorySegment s, long base) { return s.get(q_id$LAYOUT, base + q_id$OFFSET); }
    public static void q_id$at(MemorySegment s, long base, short v) { s.set(q_id$LAYOUT, base + q_id$OFFSET, v); }

    private static final ValueLayout.OfShort tag$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("tag"));
    public static final long tag$OFFSET = $LAYOUT.byteOffset(groupElement("tag"));
    public static short tag(MemorySegment s) { return s.get(tag$LAYOUT, tag$OFFSET); }
    public static void tag(MemorySegment s, short v) { s.set(tag$LAYOUT, tag$OFFSET, v); }
    public static short tag$at(MemorySegment s, long base) { return s.get(tag$LAYOUT, base + tag$OFFSET); }
    public static void tag$at(MemorySegment s, long base, short v) { s.set(tag$LAYOUT, base + tag$OFFSET, v); }

    private static final ValueLayout.OfInt result$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("result"));
    public static final long result$OFFSET = $LAYOUT.byteOffset(groupElement("result"));
    public static int result(MemorySegment s) { return s.get(result$LAYOUT, result$OFFSET); }
    public static void result(MemorySegment s, int v) { s.set(result$LAYOUT, result$OFFSET, v); }
    public static int result$at(MemorySegment s, long base) { return s.get(result$LAYOUT, base + result$OFFSET); }
    public static void result$at(MemorySegment s, long base, int v) { s.set(result$LAYOUT, base + result$OFFSET, v); }

    private static final ValueLayout.OfLong addr$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement(3), groupElement("addr"));
    public static final long addr$OFFSET = $LAYOUT.byteOffset(groupElement(3), groupElement("addr"));
    public static long addr(MemorySegment s) { return s.get(addr$LAYOUT, addr$OFFSET); }
    public static void addr(MemorySegment s, long v) { s.set(addr$LAYOUT, addr$OFFSET, v); }
    public static long addr$at(MemorySegment s, long base) { return s.get(addr$LAYOUT, base + addr$OFFSET); }
    public static void addr$at(MemorySegment s, long base, long v) { s.set(addr$LAYOUT, base + addr$OFFSET, v); }

}
