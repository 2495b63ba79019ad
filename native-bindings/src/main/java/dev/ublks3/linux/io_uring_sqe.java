package dev.ublks3.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.*;
import java.util.Objects;

/**
 * {@code struct io_uring_sqe} from {@code <linux/io_uring.h>}, in jextract's shape (see the package documentation).
 * A submission. 64 bytes ({@link #layout()}), or 128 with {@code IORING_SETUP_SQE128} ({@link #layout128()}), where
 * the command area {@code cmd} at offset 48 grows from 16 to 80 bytes. Union members share an offset (e.g.
 * {@code off}/{@code addr2}/{@code cmd_op}); the layout names them all, accessors exist for those in use.
 */
public final class io_uring_sqe {
    private io_uring_sqe() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        JAVA_BYTE.withName("opcode"),
        JAVA_BYTE.withName("flags"),
        JAVA_SHORT.withName("ioprio"),
        JAVA_INT.withName("fd"),
        MemoryLayout.unionLayout(
            JAVA_LONG.withName("off"),
            JAVA_LONG.withName("addr2"),
            MemoryLayout.structLayout(
                JAVA_INT.withName("cmd_op"),
                JAVA_INT.withName("__pad1"))),
        MemoryLayout.unionLayout(
            JAVA_LONG.withName("addr"),
            JAVA_LONG.withName("splice_off_in")),
        JAVA_INT.withName("len"),
        MemoryLayout.unionLayout(
            JAVA_INT.withName("rw_flags"),
            JAVA_INT.withName("fsync_flags"),
            JAVA_SHORT.withName("poll_events"),
            JAVA_INT.withName("poll32_events"),
            JAVA_INT.withName("sync_range_flags"),
            JAVA_INT.withName("msg_flags"),
            JAVA_INT.withName("timeout_flags"),
            JAVA_INT.withName("accept_flags"),
            JAVA_INT.withName("cancel_flags"),
            JAVA_INT.withName("open_flags"),
            JAVA_INT.withName("statx_flags"),
            JAVA_INT.withName("fadvise_advice"),
            JAVA_INT.withName("splice_flags"),
            JAVA_INT.withName("rename_flags"),
            JAVA_INT.withName("unlink_flags"),
            JAVA_INT.withName("hardlink_flags"),
            JAVA_INT.withName("xattr_flags"),
            JAVA_INT.withName("msg_ring_flags"),
            JAVA_INT.withName("uring_cmd_flags")),
        JAVA_LONG.withName("user_data"),
        MemoryLayout.unionLayout(
            JAVA_SHORT.withName("buf_index"),
            JAVA_SHORT.withName("buf_group")),
        JAVA_SHORT.withName("personality"),
        MemoryLayout.unionLayout(
            JAVA_INT.withName("splice_fd_in"),
            JAVA_INT.withName("file_index"),
            MemoryLayout.structLayout(
                JAVA_SHORT.withName("addr_len"),
                MemoryLayout.sequenceLayout(1, JAVA_SHORT).withName("__pad3"))),
        MemoryLayout.unionLayout(
            MemoryLayout.structLayout(
                JAVA_LONG.withName("addr3"),
                MemoryLayout.sequenceLayout(1, JAVA_LONG).withName("__pad2")),
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("cmd"))).withName("io_uring_sqe");

    /** The layout of the struct. */
    public static final GroupLayout layout() { return $LAYOUT; }

    /** Size of the struct in bytes. */
    public static long sizeof() { return $LAYOUT.byteSize(); }

    /** A zeroed struct from {@code allocator}. */
    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate($LAYOUT); }

    private static final GroupLayout $LAYOUT128 = withCommandArea($LAYOUT, 80, "io_uring_sqe128");

    /**
     * The 128-byte SQE of an {@code IORING_SETUP_SQE128} ring: the same fields, with an 80-byte {@code cmd}.
     * The C header has no such struct; the kernel doubles the SQE. Use {@link #cmd$OFFSET} and the {@code $at}
     * accessors of the command's struct (e.g. {@link ublksrv_ctrl_cmd}) to fill the 80-byte area.
     */
    public static final GroupLayout layout128() { return $LAYOUT128; }

    /** Bytes of the command area at {@code cmd$OFFSET}: 16 in a 64-byte SQE. */
    public static final int CMD_BYTES = 16;
    /** Bytes of the command area at {@code cmd$OFFSET}: 80 in a 128-byte SQE. */
    public static final int CMD_BYTES_SQE128 = 80;

    private static GroupLayout withCommandArea(GroupLayout sqe, long cmdBytes, String name) {
        var members = new java.util.ArrayList<>(sqe.memberLayouts());
        var last = (GroupLayout) members.getLast();
        members.set(members.size() - 1, MemoryLayout.unionLayout(
            last.memberLayouts().getFirst(), MemoryLayout.sequenceLayout(cmdBytes, JAVA_BYTE).withName("cmd")));
        return MemoryLayout.structLayout(members.toArray(MemoryLayout[]::new)).withName(name);
    }

    private static final ValueLayout.OfByte opcode$LAYOUT = (ValueLayout.OfByte) $LAYOUT.select(groupElement("opcode"));
    public static final long opcode$OFFSET = $LAYOUT.byteOffset(groupElement("opcode"));
    public static byte opcode(MemorySegment s) { return s.get(opcode$LAYOUT, opcode$OFFSET); }
    public static void opcode(MemorySegment s, byte v) { s.set(opcode$LAYOUT, opcode$OFFSET, v); }
    public static byte opcode$at(MemorySegment s, long base) { return s.get(opcode$LAYOUT, base + opcode$OFFSET); }
    public static void opcode$at(MemorySegment s, long base, byte v) { s.set(opcode$LAYOUT, base + opcode$OFFSET, v); }

    private static final ValueLayout.OfByte flags$LAYOUT = (ValueLayout.OfByte) $LAYOUT.select(groupElement("flags"));
    public static final long flags$OFFSET = $LAYOUT.byteOffset(groupElement("flags"));
    public static byte flags(MemorySegment s) { return s.get(flags$LAYOUT, flags$OFFSET); }
    public static void flags(MemorySegment s, byte v) { s.set(flags$LAYOUT, flags$OFFSET, v); }
    public static byte flags$at(MemorySegment s, long base) { return s.get(flags$LAYOUT, base + flags$OFFSET); }
    public static void flags$at(MemorySegment s, long base, byte v) { s.set(flags$LAYOUT, base + flags$OFFSET, v); }

    private static final ValueLayout.OfInt fd$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("fd"));
    public static final long fd$OFFSET = $LAYOUT.byteOffset(groupElement("fd"));
    public static int fd(MemorySegment s) { return s.get(fd$LAYOUT, fd$OFFSET); }
    public static void fd(MemorySegment s, int v) { s.set(fd$LAYOUT, fd$OFFSET, v); }
    public static int fd$at(MemorySegment s, long base) { return s.get(fd$LAYOUT, base + fd$OFFSET); }
    public static void fd$at(MemorySegment s, long base, int v) { s.set(fd$LAYOUT, base + fd$OFFSET, v); }

    private static final ValueLayout.OfLong off$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement(4), groupElement("off"));
    public static final long off$OFFSET = $LAYOUT.byteOffset(groupElement(4), groupElement("off"));
    public static long off(MemorySegment s) { return s.get(off$LAYOUT, off$OFFSET); }
    public static void off(MemorySegment s, long v) { s.set(off$LAYOUT, off$OFFSET, v); }
    public static long off$at(MemorySegment s, long base) { return s.get(off$LAYOUT, base + off$OFFSET); }
    public static void off$at(MemorySegment s, long base, long v) { s.set(off$LAYOUT, base + off$OFFSET, v); }

    private static final ValueLayout.OfInt cmd_op$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement(4), groupElement(2), groupElement("cmd_op"));
    public static final long cmd_op$OFFSET = $LAYOUT.byteOffset(groupElement(4), groupElement(2), groupElement("cmd_op"));
    public static int cmd_op(MemorySegment s) { return s.get(cmd_op$LAYOUT, cmd_op$OFFSET); }
    public static void cmd_op(MemorySegment s, int v) { s.set(cmd_op$LAYOUT, cmd_op$OFFSET, v); }
    public static int cmd_op$at(MemorySegment s, long base) { return s.get(cmd_op$LAYOUT, base + cmd_op$OFFSET); }
    public static void cmd_op$at(MemorySegment s, long base, int v) { s.set(cmd_op$LAYOUT, base + cmd_op$OFFSET, v); }

    private static final ValueLayout.OfLong addr$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement(5), groupElement("addr"));
    public static final long addr$OFFSET = $LAYOUT.byteOffset(groupElement(5), groupElement("addr"));
    public static long addr(MemorySegment s) { return s.get(addr$LAYOUT, addr$OFFSET); }
    public static void addr(MemorySegment s, long v) { s.set(addr$LAYOUT, addr$OFFSET, v); }
    public static long addr$at(MemorySegment s, long base) { return s.get(addr$LAYOUT, base + addr$OFFSET); }
    public static void addr$at(MemorySegment s, long base, long v) { s.set(addr$LAYOUT, base + addr$OFFSET, v); }

    private static final ValueLayout.OfInt len$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("len"));
    public static final long len$OFFSET = $LAYOUT.byteOffset(groupElement("len"));
    public static int len(MemorySegment s) { return s.get(len$LAYOUT, len$OFFSET); }
    public static void len(MemorySegment s, int v) { s.set(len$LAYOUT, len$OFFSET, v); }
    public static int len$at(MemorySegment s, long base) { return s.get(len$LAYOUT, base + len$OFFSET); }
    public static void len$at(MemorySegment s, long base, int v) { s.set(len$LAYOUT, base + len$OFFSET, v); }

    private static final ValueLayout.OfInt poll32_events$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement(7), groupElement("poll32_events"));
    public static final long poll32_events$OFFSET = $LAYOUT.byteOffset(groupElement(7), groupElement("poll32_events"));
    public static int poll32_events(MemorySegment s) { return s.get(poll32_events$LAYOUT, poll32_events$OFFSET); }
    public static void poll32_events(MemorySegment s, int v) { s.set(poll32_events$LAYOUT, poll32_events$OFFSET, v); }
    public static int poll32_events$at(MemorySegment s, long base) { return s.get(poll32_events$LAYOUT, base + poll32_events$OFFSET); }
    public static void poll32_events$at(MemorySegment s, long base, int v) { s.set(poll32_events$LAYOUT, base + poll32_events$OFFSET, v); }

    private static final ValueLayout.OfLong user_data$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("user_data"));
    public static final long user_data$OFFSET = $LAYOUT.byteOffset(groupElement("user_data"));
    public static long user_data(MemorySegment s) { return s.get(user_data$LAYOUT, user_data$OFFSET); }
    public static void user_data(MemorySegment s, long v) { s.set(user_data$LAYOUT, user_data$OFFSET, v); }
    public static long user_data$at(MemorySegment s, long base) { return s.get(user_data$LAYOUT, base + user_data$OFFSET); }
    public static void user_data$at(MemorySegment s, long base, long v) { s.set(user_data$LAYOUT, base + user_data$OFFSET, v); }

    private static final SequenceLayout cmd$LAYOUT = (SequenceLayout) $LAYOUT.select(groupElement(12), groupElement("cmd"));
    private static final ValueLayout.OfByte cmd$ELEMENT = (ValueLayout.OfByte) cmd$LAYOUT.elementLayout();
    public static final long cmd$OFFSET = $LAYOUT.byteOffset(groupElement(12), groupElement("cmd"));
    /** Number of elements of {@code cmd}. */
    public static final long cmd$COUNT = cmd$LAYOUT.elementCount();
    public static MemorySegment cmd(MemorySegment s) { return s.asSlice(cmd$OFFSET, cmd$LAYOUT); }
    public static byte cmd(MemorySegment s, long i) { return cmd$at(s, 0, i); }
    public static void cmd(MemorySegment s, long i, byte v) { cmd$at(s, 0, i, v); }
    public static byte cmd$at(MemorySegment s, long base, long i) {
        return s.get(cmd$ELEMENT, base + cmd$OFFSET + Objects.checkIndex(i, cmd$COUNT) * cmd$ELEMENT.byteSize());
    }
    public static void cmd$at(MemorySegment s, long base, long i, byte v) {
        s.set(cmd$ELEMENT, base + cmd$OFFSET + Objects.checkIndex(i, cmd$COUNT) * cmd$ELEMENT.byteSize(), v);
    }

}
