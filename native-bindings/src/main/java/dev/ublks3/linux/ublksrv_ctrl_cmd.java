package dev.ublks3.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.*;
import java.util.Objects;

/**
 * {@code struct ublksrv_ctrl_cmd} from {@code <linux/ublk_cmd.h>}, in jextract's shape (see the package documentation).
 * A control command, carried in the SQE's command area (offset 48) of an SQE128 ring on {@code /dev/ublk-control}.
 * Layout as of Linux 6.3+ (data[1], dev_path_len).
 */
public final class ublksrv_ctrl_cmd {
    private ublksrv_ctrl_cmd() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        JAVA_INT.withName("dev_id"),
        JAVA_SHORT.withName("queue_id"),
        JAVA_SHORT.withName("len"),
        JAVA_LONG.withName("addr"),
        MemoryLayout.sequenceLayout(1, JAVA_LONG).withName("data"),
        JAVA_SHORT.withName("dev_path_len"),
        JAVA_SHORT.withName("pad"),
        JAVA_INT.withName("reserved")).withName("ublksrv_ctrl_cmd");

    /** The layout of the struct. */
    public static final GroupLayout layout() { return $LAYOUT; }

    /** Size of the struct in bytes. */
    public static long sizeof() { return $LAYOUT.byteSize(); }

    /** A zeroed struct from {@code allocator}. */
    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate($LAYOUT); }

    private static final ValueLayout.OfInt dev_id$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("dev_id"));
    public static final long dev_id$OFFSET = $LAYOUT.byteOffset(groupElement("dev_id"));
    public static int dev_id(MemorySegment s) { return s.get(dev_id$LAYOUT, dev_id$OFFSET); }
    public static void dev_id(MemorySegment s, int v) { s.set(dev_id$LAYOUT, dev_id$OFFSET, v); }
    public static int dev_id$at(MemorySegment s, long base) { return s.get(dev_id$LAYOUT, base + dev_id$OFFSET); }
    public static void dev_id$at(MemorySegment s, long base, int v) { s.set(dev_id$LAYOUT, base + dev_id$OFFSET, v); }

    private static final ValueLayout.OfShort queue_id$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("queue_id"));
    public static final long queue_id$OFFSET = $LAYOUT.byteOffset(groupElement("queue_id"));
    public static short queue_id(MemorySegment s) { return s.get(queue_id$LAYOUT, queue_id$OFFSET); }
    public static void queue_id(MemorySegment s, short v) { s.set(queue_id$LAYOUT, queue_id$OFFSET, v); }
    public static short queue_id$at(MemorySegment s, long base) { return s.get(queue_id$LAYOUT, base + queue_id$OFFSET); }
    public static void queue_id$at(MemorySegment s, long base, short v) { s.set(queue_id$LAYOUT, base + queue_id$OFFSET, v); }

    private static final ValueLayout.OfShort len$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("len"));
    public static final long len$OFFSET = $LAYOUT.byteOffset(groupElement("len"));
    public static short len(MemorySegment s) { return s.get(len$LAYOUT, len$OFFSET); }
    public static void len(MemorySegment s, short v) { s.set(len$LAYOUT, len$OFFSET, v); }
    public static short len$at(MemorySegment s, long base) { return s.get(len$LAYOUT, base + len$OFFSET); }
    public static void len$at(MemorySegment s, long base, short v) { s.set(len$LAYOUT, base + len$OFFSET, v); }

    private static final ValueLayout.OfLong addr$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("addr"));
    public static final long addr$OFFSET = $LAYOUT.byteOffset(groupElement("addr"));
    public static long addr(MemorySegment s) { return s.get(addr$LAYOUT, addr$OFFSET); }
    public static void addr(MemorySegment s, long v) { s.set(addr$LAYOUT, addr$OFFSET, v); }
    public static long addr$at(MemorySegment s, long base) { return s.get(addr$LAYOUT, base + addr$OFFSET); }
    public static void addr$at(MemorySegment s, long base, long v) { s.set(addr$LAYOUT, base + addr$OFFSET, v); }

    private static final SequenceLayout data$LAYOUT = (SequenceLayout) $LAYOUT.select(groupElement("data"));
    private static final ValueLayout.OfLong data$ELEMENT = (ValueLayout.OfLong) data$LAYOUT.elementLayout();
    public static final long data$OFFSET = $LAYOUT.byteOffset(groupElement("data"));
    /** Number of elements of {@code data}. */
    public static final long data$COUNT = data$LAYOUT.elementCount();
    public static MemorySegment data(MemorySegment s) { return s.asSlice(data$OFFSET, data$LAYOUT); }
    public static long data(MemorySegment s, long i) { return data$at(s, 0, i); }
    public static void data(MemorySegment s, long i, long v) { data$at(s, 0, i, v); }
    public static long data$at(MemorySegment s, long base, long i) {
        return s.get(data$ELEMENT, base + data$OFFSET + Objects.checkIndex(i, data$COUNT) * data$ELEMENT.byteSize());
    }
    public static void data$at(MemorySegment s, long base, long i, long v) {
        s.set(data$ELEMENT, base + data$OFFSET + Objects.checkIndex(i, data$COUNT) * data$ELEMENT.byteSize(), v);
    }

    private static final ValueLayout.OfShort dev_path_len$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("dev_path_len"));
    public static final long dev_path_len$OFFSET = $LAYOUT.byteOffset(groupElement("dev_path_len"));
    public static short dev_path_len(MemorySegment s) { return s.get(dev_path_len$LAYOUT, dev_path_len$OFFSET); }
    public static void dev_path_len(MemorySegment s, short v) { s.set(dev_path_len$LAYOUT, dev_path_len$OFFSET, v); }
    public static short dev_path_len$at(MemorySegment s, long base) { return s.get(dev_path_len$LAYOUT, base + dev_path_len$OFFSET); }
    public static void dev_path_len$at(MemorySegment s, long base, short v) { s.set(dev_path_len$LAYOUT, base + dev_path_len$OFFSET, v); }

    private static final ValueLayout.OfInt reserved$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("reserved"));
    public static final long reserved$OFFSET = $LAYOUT.byteOffset(groupElement("reserved"));
    public static int reserved(MemorySegment s) { return s.get(reserved$LAYOUT, reserved$OFFSET); }
    public static void reserved(MemorySegment s, int v) { s.set(reserved$LAYOUT, reserved$OFFSET, v); }
    public static int reserved$at(MemorySegment s, long base) { return s.get(reserved$LAYOUT, base + reserved$OFFSET); }
    public static void reserved$at(MemorySegment s, long base, int v) { s.set(reserved$LAYOUT, base + reserved$OFFSET, v); }

}
