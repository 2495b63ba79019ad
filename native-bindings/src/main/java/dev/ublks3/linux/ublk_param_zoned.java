package dev.ublks3.linux;

import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.*;

/**
 * {@code struct ublk_param_zoned} from {@code <linux/ublk_cmd.h>}, in jextract's shape (see the package documentation).
 * Zoned device limits (UBLK_PARAM_TYPE_ZONED, Linux 6.6).
 */
public final class ublk_param_zoned {
    private ublk_param_zoned() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        JAVA_INT.withName("max_open_zones"),
        JAVA_INT.withName("max_active_zones"),
        JAVA_INT.withName("max_zone_append_sectors"),
        MemoryLayout.sequenceLayout(20, JAVA_BYTE).withName("reserved")).withName("ublk_param_zoned");

    /** The layout of the struct. */
    public static final GroupLayout layout() { return $LAYOUT; }

    /** Size of the struct in bytes. */
    public static long sizeof() { return $LAYOUT.byteSize(); }

    /** A zeroed struct from {@code allocator}. */
    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate($LAYOUT); }

}
