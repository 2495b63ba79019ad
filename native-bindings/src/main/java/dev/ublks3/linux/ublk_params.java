package dev.ublks3.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.*;

/**
 * {@code struct ublk_params} from {@code <linux/ublk_cmd.h>}, in jextract's shape (see the package documentation).
 * Device parameters for SET_PARAMS / GET_PARAMS, as of Linux 6.12 (up to {@code zoned}).
 * Newer kernels append members (dma, seg, ...); the kernel clamps {@code len} to its own size and ignores
 * types it does not know, so this shorter struct works with them too. Set {@code len = sizeof()}.
 */
public final class ublk_params {
    private ublk_params() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        JAVA_INT.withName("len"),
        JAVA_INT.withName("types"),
        ublk_param_basic.layout().withName("basic"),
        ublk_param_discard.layout().withName("discard"),
        ublk_param_devt.layout().withName("devt"),
        ublk_param_zoned.layout().withName("zoned"),
        MemoryLayout.paddingLayout(4)).withName("ublk_params");

    /** The layout of the struct. */
    public static final GroupLayout layout() { return $LAYOUT; }

    /** Size of the struct in bytes. */
    public static long sizeof() { return $LAYOUT.byteSize(); }

    /** A zeroed struct from {@code allocator}. */
    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate($LAYOUT); }

    private static final ValueLayout.OfInt len$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("len"));
    public static final long len$OFFSET = $LAYOUT.byteOffset(groupElement("len"));
    public static int len(MemorySegment s) { return s.get(len$LAYOUT, len$OFFSET); }
    public static void len(MemorySegment s, int v) { s.set(len$LAYOUT, len$OFFSET, v); }
    public static int len$at(MemorySegment s, long base) { return s.get(len$LAYOUT, base + len$OFFSET); }
    public static void len$at(MemorySegment s, long base, int v) { s.set(len$LAYOUT, base + len$OFFSET, v); }

    private static final ValueLayout.OfInt types$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("types"));
    public static final long types$OFFSET = $LAYOUT.byteOffset(groupElement("types"));
    public static int types(MemorySegment s) { return s.get(types$LAYOUT, types$OFFSET); }
    public static void types(MemorySegment s, int v) { s.set(types$LAYOUT, types$OFFSET, v); }
    public static int types$at(MemorySegment s, long base) { return s.get(types$LAYOUT, base + types$OFFSET); }
    public static void types$at(MemorySegment s, long base, int v) { s.set(types$LAYOUT, base + types$OFFSET, v); }

    public static final long basic$OFFSET = $LAYOUT.byteOffset(groupElement("basic"));
    /** The nested {@code ublk_param_basic} as a slice (read and write through {@link ublk_param_basic}). */
    public static MemorySegment basic(MemorySegment s) { return s.asSlice(basic$OFFSET, ublk_param_basic.layout()); }
    public static void basic(MemorySegment s, MemorySegment v) { MemorySegment.copy(v, 0, s, basic$OFFSET, ublk_param_basic.sizeof()); }

    public static final long discard$OFFSET = $LAYOUT.byteOffset(groupElement("discard"));
    /** The nested {@code ublk_param_discard} as a slice (read and write through {@link ublk_param_discard}). */
    public static MemorySegment discard(MemorySegment s) { return s.asSlice(discard$OFFSET, ublk_param_discard.layout()); }
    public static void discard(MemorySegment s, MemorySegment v) { MemorySegment.copy(v, 0, s, discard$OFFSET, ublk_param_discard.sizeof()); }

    public static final long devt$OFFSET = $LAYOUT.byteOffset(groupElement("devt"));
    /** The nested {@code ublk_param_devt} as a slice (read and write through {@link ublk_param_devt}). */
    public static MemorySegment devt(MemorySegment s) { return s.asSlice(devt$OFFSET, ublk_param_devt.layout()); }
    public static void devt(MemorySegment s, MemorySegment v) { MemorySegment.copy(v, 0, s, devt$OFFSET, ublk_param_devt.sizeof()); }

}
