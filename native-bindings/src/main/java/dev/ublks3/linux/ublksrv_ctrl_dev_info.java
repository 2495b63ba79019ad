package dev.ublks3.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.*;

/**
 * {@code struct ublksrv_ctrl_dev_info} from {@code <linux/ublk_cmd.h>}, in jextract's shape (see the package documentation).
 * Device info exchanged by ADD_DEV / GET_DEV_INFO (owner_uid/gid since Linux 6.3).
 */
public final class ublksrv_ctrl_dev_info {
    private ublksrv_ctrl_dev_info() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        JAVA_SHORT.withName("nr_hw_queues"),
        JAVA_SHORT.withName("queue_depth"),
        JAVA_SHORT.withName("state"),
        JAVA_SHORT.withName("pad0"),
        JAVA_INT.withName("max_io_buf_bytes"),
        JAVA_INT.withName("dev_id"),
        JAVA_INT.withName("ublksrv_pid"),
        JAVA_INT.withName("pad1"),
        JAVA_LONG.withName("flags"),
        JAVA_LONG.withName("ublksrv_flags"),
        JAVA_INT.withName("owner_uid"),
        JAVA_INT.withName("owner_gid"),
        JAVA_LONG.withName("reserved1"),
        JAVA_LONG.withName("reserved2")).withName("ublksrv_ctrl_dev_info");

    /** The layout of the struct. */
    public static final GroupLayout layout() { return $LAYOUT; }

    /** Size of the struct in bytes. */
    public static long sizeof() { return $LAYOUT.byteSize(); }

    /** A zeroed struct from {@code allocator}. */
    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate($LAYOUT); }

    private static final ValueLayout.OfShort nr_hw_queues$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("nr_hw_queues"));
    public static final long nr_hw_queues$OFFSET = $LAYOUT.byteOffset(groupElement("nr_hw_queues"));
    public static short nr_hw_queues(MemorySegment s) { return s.get(nr_hw_queues$LAYOUT, nr_hw_queues$OFFSET); }
    public static void nr_hw_queues(MemorySegment s, short v) { s.set(nr_hw_queues$LAYOUT, nr_hw_queues$OFFSET, v); }
    public static short nr_hw_queues$at(MemorySegment s, long base) { return s.get(nr_hw_queues$LAYOUT, base + nr_hw_queues$OFFSET); }
    public static void nr_hw_queues$at(MemorySegment s, long base, short v) { s.set(nr_hw_queues$LAYOUT, base + nr_hw_queues$OFFSET, v); }

    private static final ValueLayout.OfShort queue_depth$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("queue_depth"));
    public static final long queue_depth$OFFSET = $LAYOUT.byteOffset(groupElement("queue_depth"));
    public static short queue_depth(MemorySegment s) { return s.get(queue_depth$LAYOUT, queue_depth$OFFSET); }
    public static void queue_depth(MemorySegment s, short v) { s.set(queue_depth$LAYOUT, queue_depth$OFFSET, v); }
    public static short queue_depth$at(MemorySegment s, long base) { return s.get(queue_depth$LAYOUT, base + queue_depth$OFFSET); }
    public static void queue_depth$at(MemorySegment s, long base, short v) { s.set(queue_depth$LAYOUT, base + queue_depth$OFFSET, v); }

    private static final ValueLayout.OfShort state$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("state"));
    public static final long state$OFFSET = $LAYOUT.byteOffset(groupElement("state"));
    public static short state(MemorySegment s) { return s.get(state$LAYOUT, state$OFFSET); }
    public static void state(MemorySegment s, short v) { s.set(state$LAYOUT, state$OFFSET, v); }
    public static short state$at(MemorySegment s, long base) { return s.get(state$LAYOUT, base + state$OFFSET); }
    public static void state$at(MemorySegment s, long base, short v) { s.set(state$LAYOUT, base + state$OFFSET, v); }

    private static final ValueLayout.OfInt max_io_buf_bytes$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("max_io_buf_bytes"));
    public static final long max_io_buf_bytes$OFFSET = $LAYOUT.byteOffset(groupElement("max_io_buf_bytes"));
    public static int max_io_buf_bytes(MemorySegment s) { return s.get(max_io_buf_bytes$LAYOUT, max_io_buf_bytes$OFFSET); }
    public static void max_io_buf_bytes(MemorySegment s, int v) { s.set(max_io_buf_bytes$LAYOUT, max_io_buf_bytes$OFFSET, v); }
    public static int max_io_buf_bytes$at(MemorySegment s, long base) { return s.get(max_io_buf_bytes$LAYOUT, base + max_io_buf_bytes$OFFSET); }
    public static void max_io_buf_bytes$at(MemorySegment s, long base, int v) { s.set(max_io_buf_bytes$LAYOUT, base + max_io_buf_bytes$OFFSET, v); }

    private static final ValueLayout.OfInt dev_id$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("dev_id"));
    public static final long dev_id$OFFSET = $LAYOUT.byteOffset(groupElement("dev_id"));
    public static int dev_id(MemorySegment s) { return s.get(dev_id$LAYOUT, dev_id$OFFSET); }
    public static void dev_id(MemorySegment s, int v) { s.set(dev_id$LAYOUT, dev_id$OFFSET, v); }
    public static int dev_id$at(MemorySegment s, long base) { return s.get(dev_id$LAYOUT, base + dev_id$OFFSET); }
    public static void dev_id$at(MemorySegment s, long base, int v) { s.set(dev_id$LAYOUT, base + dev_id$OFFSET, v); }

    private static final ValueLayout.OfInt ublksrv_pid$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("ublksrv_pid"));
    public static final long ublksrv_pid$OFFSET = $LAYOUT.byteOffset(groupElement("ublksrv_pid"));
    public static int ublksrv_pid(MemorySegment s) { return s.get(ublksrv_pid$LAYOUT, ublksrv_pid$OFFSET); }
    public static void ublksrv_pid(MemorySegment s, int v) { s.set(ublksrv_pid$LAYOUT, ublksrv_pid$OFFSET, v); }
    public static int ublksrv_pid$at(MemorySegment s, long base) { return s.get(ublksrv_pid$LAYOUT, base + ublksrv_pid$OFFSET); }
    public static void ublksrv_pid$at(MemorySegment s, long base, int v) { s.set(ublksrv_pid$LAYOUT, base + ublksrv_pid$OFFSET, v); }

    private static final ValueLayout.OfLong flags$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("flags"));
    public static final long flags$OFFSET = $LAYOUT.byteOffset(groupElement("flags"));
    public static long flags(MemorySegment s) { return s.get(flags$LAYOUT, flags$OFFSET); }
    public static void flags(MemorySegment s, long v) { s.set(flags$LAYOUT, flags$OFFSET, v); }
    public static long flags$at(MemorySegment s, long base) { return s.get(flags$LAYOUT, base + flags$OFFSET); }
    public static void flags$at(MemorySegment s, long base, long v) { s.set(flags$LAYOUT, base + flags$OFFSET, v); }

    private static final ValueLayout.OfLong ublksrv_flags$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("ublksrv_flags"));
    public static final long ublksrv_flags$OFFSET = $LAYOUT.byteOffset(groupElement("ublksrv_flags"));
    public static long ublksrv_flags(MemorySegment s) { return s.get(ublksrv_flags$LAYOUT, ublksrv_flags$OFFSET); }
    public static void ublksrv_flags(MemorySegment s, long v) { s.set(ublksrv_flags$LAYOUT, ublksrv_flags$OFFSET, v); }
    public static long ublksrv_flags$at(MemorySegment s, long base) { return s.get(ublksrv_flags$LAYOUT, base + ublksrv_flags$OFFSET); }
    public static void ublksrv_flags$at(MemorySegment s, long base, long v) { s.set(ublksrv_flags$LAYOUT, base + ublksrv_flags$OFFSET, v); }

    private static final ValueLayout.OfInt owner_uid$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("owner_uid"));
    public static final long owner_uid$OFFSET = $LAYOUT.byteOffset(groupElement("owner_uid"));
    public static int owner_uid(MemorySegment s) { return s.get(owner_uid$LAYOUT, owner_uid$OFFSET); }
    public static void owner_uid(MemorySegment s, int v) { s.set(owner_uid$LAYOUT, owner_uid$OFFSET, v); }
    public static int owner_uid$at(MemorySegment s, long base) { return s.get(owner_uid$LAYOUT, base + owner_uid$OFFSET); }
    public static void owner_uid$at(MemorySegment s, long base, int v) { s.set(owner_uid$LAYOUT, base + owner_uid$OFFSET, v); }

    private static final ValueLayout.OfInt owner_gid$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("owner_gid"));
    public static final long owner_gid$OFFSET = $LAYOUT.byteOffset(groupElement("owner_gid"));
    public static int owner_gid(MemorySegment s) { return s.get(owner_gid$LAYOUT, owner_gid$OFFSET); }
    public static void owner_gid(MemorySegment s, int v) { s.set(owner_gid$LAYOUT, owner_gid$OFFSET, v); }
    public static int owner_gid$at(MemorySegment s, long base) { return s.get(owner_gid$LAYOUT, base + owner_gid$OFFSET); }
    public static void owner_gid$at(MemorySegment s, long base, int v) { s.set(owner_gid$LAYOUT, base + owner_gid$OFFSET, v); }

}
