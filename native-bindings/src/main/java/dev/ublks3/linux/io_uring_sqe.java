package dev.ublks3.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.*;
import java.util.Objects;

/**
 * {@code struct io_uring_sqe} from {@code <linux/io_uring.h>}, in jextract's shape: {@link #layout()}, byte offsets
 * ({@code field$OFFSET}) and static accessors {@code field(segment)} / {@code field(segment, value)}.
 * The {@code field$at(segment, base, ...)} variants address a struct at byte offset {@code base} of a
 * larger segment (an array, or the command area of an SQE) without slicing.
 * A submission. 64 bytes ({@link #layout()}), or 128 with {@code IORING_SETUP_SQE128} ({@link #layout128()}), where
 * the command area {@code cmd} at offset 48 grows from 16 to 80 bytes. Union members share an offset; the
 * accessors of a union are all listed (e.g. {@code off}/{@code addr2}/{@code cmd_op}).
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

    private static final ValueLayout.OfShort ioprio$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("ioprio"));
    public static final long ioprio$OFFSET = $LAYOUT.byteOffset(groupElement("ioprio"));
    public static short ioprio(MemorySegment s) { return s.get(ioprio$LAYOUT, ioprio$OFFSET); }
    public static void ioprio(MemorySegment s, short v) { s.set(ioprio$LAYOUT, ioprio$OFFSET, v); }
    public static short ioprio$at(MemorySegment s, long base) { return s.get(ioprio$LAYOUT, base + ioprio$OFFSET); }
    public static void ioprio$at(MemorySegment s, long base, short v) { s.set(ioprio$LAYOUT, base + ioprio$OFFSET, v); }

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

    private static final ValueLayout.OfLong addr2$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement(4), groupElement("addr2"));
    public static final long addr2$OFFSET = $LAYOUT.byteOffset(groupElement(4), groupElement("addr2"));
    public static long addr2(MemorySegment s) { return s.get(addr2$LAYOUT, addr2$OFFSET); }
    public static void addr2(MemorySegment s, long v) { s.set(addr2$LAYOUT, addr2$OFFSET, v); }
    public static long addr2$at(MemorySegment s, long base) { return s.get(addr2$LAYOUT, base + addr2$OFFSET); }
    public static void addr2$at(MemorySegment s, long base, long v) { s.set(addr2$LAYOUT, base + addr2$OFFSET, v); }

    private static final ValueLayout.OfInt cmd_op$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement(4), groupElement(2), groupElement("cmd_op"));
    public static final long cmd_op$OFFSET = $LAYOUT.byteOffset(groupElement(4), groupElement(2), groupElement("cmd_op"));
    public static int cmd_op(MemorySegment s) { return s.get(cmd_op$LAYOUT, cmd_op$OFFSET); }
    public static void cmd_op(MemorySegment s, int v) { s.set(cmd_op$LAYOUT, cmd_op$OFFSET, v); }
    public static int cmd_op$at(MemorySegment s, long base) { return s.get(cmd_op$LAYOUT, base + cmd_op$OFFSET); }
    public static void cmd_op$at(MemorySegment s, long base, int v) { s.set(cmd_op$LAYOUT, base + cmd_op$OFFSET, v); }

    private static final ValueLayout.OfInt __pad1$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement(4), groupElement(2), groupElement("__pad1"));
    public static final long __pad1$OFFSET = $LAYOUT.byteOffset(groupElement(4), groupElement(2), groupElement("__pad1"));
    public static int __pad1(MemorySegment s) { return s.get(__pad1$LAYOUT, __pad1$OFFSET); }
    public static void __pad1(MemorySegment s, int v) { s.set(__pad1$LAYOUT, __pad1$OFFSET, v); }
    public static int __pad1$at(MemorySegment s, long base) { return s.get(__pad1$LAYOUT, base + __pad1$OFFSET); }
    public static void __pad1$at(MemorySegment s, long base, int v) { s.set(__pad1$LAYOUT, base + __pad1$OFFSET, v); }

    private static final ValueLayout.OfLong addr$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement(5), groupElement("addr"));
    public static final long addr$OFFSET = $LAYOUT.byteOffset(groupElement(5), groupElement("addr"));
    public static long addr(MemorySegment s) { return s.get(addr$LAYOUT, addr$OFFSET); }
    public static void addr(MemorySegment s, long v) { s.set(addr$LAYOUT, addr$OFFSET, v); }
    public static long addr$at(MemorySegment s, long base) { return s.get(addr$LAYOUT, base + addr$OFFSET); }
    public static void addr$at(MemorySegment s, long base, long v) { s.set(addr$LAYOUT, base + addr$OFFSET, v); }

    private static final ValueLayout.OfLong splice_off_in$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement(5), groupElement("splice_off_in"));
    public static final long splice_off_in$OFFSET = $LAYOUT.byteOffset(groupElement(5), groupElement("splice_off_in"));
    public static long splice_off_in(MemorySegment s) { return s.get(splice_off_in$LAYOUT, splice_off_in$OFFSET); }
    public static void splice_off_in(MemorySegment s, long v) { s.set(splice_off_in$LAYOUT, splice_off_in$OFFSET, v); }
    public static long splice_off_in$at(MemorySegment s, long base) { return s.get(splice_off_in$LAYOUT, base + splice_off_in$OFFSET); }
    public static void splice_off_in$at(MemorySegment s, long base, long v) { s.set(splice_off_in$LAYOUT, base + splice_off_in$OFFSET, v); }

    private static final ValueLayout.OfInt len$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("len"));
    public static final long len$OFFSET = $LAYOUT.byteOffset(groupElement("len"));
    public static int len(MemorySegment s) { return s.get(len$LAYOUT, len$OFFSET); }
    public static void len(MemorySegment s, int v) { s.set(len$LAYOUT, len$OFFSET, v); }
    public static int len$at(MemorySegment s, long base) { return s.get(len$LAYOUT, base + len$OFFSET); }
    public static void len$at(MemorySegment s, long base, int v) { s.set(len$LAYOUT, base + len$OFFSET, v); }

    private static final ValueLayout.OfInt rw_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement(7), groupElement("rw_flags"));
    public static final long rw_flags$OFFSET = $LAYOUT.byteOffset(groupElement(7), groupElement("rw_flags"));
    public static int rw_flags(MemorySegment s) { return s.get(rw_flags$LAYOUT, rw_flags$OFFSET); }
    public static void rw_flags(MemorySegment s, int v) { s.set(rw_flags$LAYOUT, rw_flags$OFFSET, v); }
    public static int rw_flags$at(MemorySegment s, long base) { return s.get(rw_flags$LAYOUT, base + rw_flags$OFFSET); }
    public static void rw_flags$at(MemorySegment s, long base, int v) { s.set(rw_flags$LAYOUT, base + rw_flags$OFFSET, v); }

    private static final ValueLayout.OfInt fsync_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement(7), groupElement("fsync_flags"));
    public static final long fsync_flags$OFFSET = $LAYOUT.byteOffset(groupElement(7), groupElement("fsync_flags"));
    public static int fsync_flags(MemorySegment s) { return s.get(fsync_flags$LAYOUT, fsync_flags$OFFSET); }
    public static void fsync_flags(MemorySegment s, int v) { s.set(fsync_flags$LAYOUT, fsync_flags$OFFSET, v); }
    public static int fsync_flags$at(MemorySegment s, long base) { return s.get(fsync_flags$LAYOUT, base + fsync_flags$OFFSET); }
    public static void fsync_flags$at(MemorySegment s, long base, int v) { s.set(fsync_flags$LAYOUT, base + fsync_flags$OFFSET, v); }

    private static final ValueLayout.OfShort poll_events$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement(7), groupElement("poll_events"));
    public static final long poll_events$OFFSET = $LAYOUT.byteOffset(groupElement(7), groupElement("poll_events"));
    public static short poll_events(MemorySegment s) { return s.get(poll_events$LAYOUT, poll_events$OFFSET); }
    public static void poll_events(MemorySegment s, short v) { s.set(poll_events$LAYOUT, poll_events$OFFSET, v); }
    public static short poll_events$at(MemorySegment s, long base) { return s.get(poll_events$LAYOUT, base + poll_events$OFFSET); }
    public static void poll_events$at(MemorySegment s, long base, short v) { s.set(poll_events$LAYOUT, base + poll_events$OFFSET, v); }

    private static final ValueLayout.OfInt poll32_events$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement(7), groupElement("poll32_events"));
    public static final long poll32_events$OFFSET = $LAYOUT.byteOffset(groupElement(7), groupElement("poll32_events"));
    public static int poll32_events(MemorySegment s) { return s.get(poll32_events$LAYOUT, poll32_events$OFFSET); }
    public static void poll32_events(MemorySegment s, int v) { s.set(poll32_events$LAYOUT, poll32_events$OFFSET, v); }
    public static int poll32_events$at(MemorySegment s, long base) { return s.get(poll32_events$LAYOUT, base + poll32_events$OFFSET); }
    public static void poll32_events$at(MemorySegment s, long base, int v) { s.set(poll32_events$LAYOUT, base + poll32_events$OFFSET, v); }

    private static final ValueLayout.OfInt sync_range_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement(7), groupElement("sync_range_flags"));
    public static final long sync_range_flags$OFFSET = $LAYOUT.byteOffset(groupElement(7), groupElement("sync_range_flags"));
    public static int sync_range_flags(MemorySegment s) { return s.get(sync_range_flags$LAYOUT, sync_range_flags$OFFSET); }
    public static void sync_range_flags(MemorySegment s, int v) { s.set(sync_range_flags$LAYOUT, sync_range_flags$OFFSET, v); }
    public static int sync_range_flags$at(MemorySegment s, long base) { return s.get(sync_range_flags$LAYOUT, base + sync_range_flags$OFFSET); }
    public static void sync_range_flags$at(MemorySegment s, long base, int v) { s.set(sync_range_flags$LAYOUT, base + sync_range_flags$OFFSET, v); }

    private static final ValueLayout.OfInt msg_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement(7), groupElement("msg_flags"));
    public static final long msg_flags$OFFSET = $LAYOUT.byteOffset(groupElement(7), groupElement("msg_flags"));
    public static int msg_flags(MemorySegment s) { return s.get(msg_flags$LAYOUT, msg_flags$OFFSET); }
    public static void msg_flags(MemorySegment s, int v) { s.set(msg_flags$LAYOUT, msg_flags$OFFSET, v); }
    public static int msg_flags$at(MemorySegment s, long base) { return s.get(msg_flags$LAYOUT, base + msg_flags$OFFSET); }
    public static void msg_flags$at(MemorySegment s, long base, int v) { s.set(msg_flags$LAYOUT, base + msg_flags$OFFSET, v); }

    private static final ValueLayout.OfInt timeout_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement(7), groupElement("timeout_flags"));
    public static final long timeout_flags$OFFSET = $LAYOUT.byteOffset(groupElement(7), groupElement("timeout_flags"));
    public static int timeout_flags(MemorySegment s) { return s.get(timeout_flags$LAYOUT, timeout_flags$OFFSET); }
    public static void timeout_flags(MemorySegment s, int v) { s.set(timeout_flags$LAYOUT, timeout_flags$OFFSET, v); }
    public static int timeout_flags$at(MemorySegment s, long base) { return s.get(timeout_flags$LAYOUT, base + timeout_flags$OFFSET); }
    public static void timeout_flags$at(MemorySegment s, long base, int v) { s.set(timeout_flags$LAYOUT, base + timeout_flags$OFFSET, v); }

    private static final ValueLayout.OfInt accept_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement(7), groupElement("accept_flags"));
    public static final long accept_flags$OFFSET = $LAYOUT.byteOffset(groupElement(7), groupElement("accept_flags"));
    public static int accept_flags(MemorySegment s) { return s.get(accept_flags$LAYOUT, accept_flags$OFFSET); }
    public static void accept_flags(MemorySegment s, int v) { s.set(accept_flags$LAYOUT, accept_flags$OFFSET, v); }
    public static int accept_flags$at(MemorySegment s, long base) { return s.get(accept_flags$LAYOUT, base + accept_flags$OFFSET); }
    public static void accept_flags$at(MemorySegment s, long base, int v) { s.set(accept_flags$LAYOUT, base + accept_flags$OFFSET, v); }

    private static final ValueLayout.OfInt cancel_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement(7), groupElement("cancel_flags"));
    public static final long cancel_flags$OFFSET = $LAYOUT.byteOffset(groupElement(7), groupElement("cancel_flags"));
    public static int cancel_flags(MemorySegment s) { return s.get(cancel_flags$LAYOUT, cancel_flags$OFFSET); }
    public static void cancel_flags(MemorySegment s, int v) { s.set(cancel_flags$LAYOUT, cancel_flags$OFFSET, v); }
    public static int cancel_flags$at(MemorySegment s, long base) { return s.get(cancel_flags$LAYOUT, base + cancel_flags$OFFSET); }
    public static void cancel_flags$at(MemorySegment s, long base, int v) { s.set(cancel_flags$LAYOUT, base + cancel_flags$OFFSET, v); }

    private static final ValueLayout.OfInt open_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement(7), groupElement("open_flags"));
    public static final long open_flags$OFFSET = $LAYOUT.byteOffset(groupElement(7), groupElement("open_flags"));
    public static int open_flags(MemorySegment s) { return s.get(open_flags$LAYOUT, open_flags$OFFSET); }
    public static void open_flags(MemorySegment s, int v) { s.set(open_flags$LAYOUT, open_flags$OFFSET, v); }
    public static int open_flags$at(MemorySegment s, long base) { return s.get(open_flags$LAYOUT, base + open_flags$OFFSET); }
    public static void open_flags$at(MemorySegment s, long base, int v) { s.set(open_flags$LAYOUT, base + open_flags$OFFSET, v); }

    private static final ValueLayout.OfInt statx_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement(7), groupElement("statx_flags"));
    public static final long statx_flags$OFFSET = $LAYOUT.byteOffset(groupElement(7), groupElement("statx_flags"));
    public static int statx_flags(MemorySegment s) { return s.get(statx_flags$LAYOUT, statx_flags$OFFSET); }
    public static void statx_flags(MemorySegment s, int v) { s.set(statx_flags$LAYOUT, statx_flags$OFFSET, v); }
    public static int statx_flags$at(MemorySegment s, long base) { return s.get(statx_flags$LAYOUT, base + statx_flags$OFFSET); }
    public static void statx_flags$at(MemorySegment s, long base, int v) { s.set(statx_flags$LAYOUT, base + statx_flags$OFFSET, v); }

    private static final ValueLayout.OfInt fadvise_advice$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement(7), groupElement("fadvise_advice"));
    public static final long fadvise_advice$OFFSET = $LAYOUT.byteOffset(groupElement(7), groupElement("fadvise_advice"));
    public static int fadvise_advice(MemorySegment s) { return s.get(fadvise_advice$LAYOUT, fadvise_advice$OFFSET); }
    public static void fadvise_advice(MemorySegment s, int v) { s.set(fadvise_advice$LAYOUT, fadvise_advice$OFFSET, v); }
    public static int fadvise_advice$at(MemorySegment s, long base) { return s.get(fadvise_advice$LAYOUT, base + fadvise_advice$OFFSET); }
    public static void fadvise_advice$at(MemorySegment s, long base, int v) { s.set(fadvise_advice$LAYOUT, base + fadvise_advice$OFFSET, v); }

    private static final ValueLayout.OfInt splice_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement(7), groupElement("splice_flags"));
    public static final long splice_flags$OFFSET = $LAYOUT.byteOffset(groupElement(7), groupElement("splice_flags"));
    public static int splice_flags(MemorySegment s) { return s.get(splice_flags$LAYOUT, splice_flags$OFFSET); }
    public static void splice_flags(MemorySegment s, int v) { s.set(splice_flags$LAYOUT, splice_flags$OFFSET, v); }
    public static int splice_flags$at(MemorySegment s, long base) { return s.get(splice_flags$LAYOUT, base + splice_flags$OFFSET); }
    public static void splice_flags$at(MemorySegment s, long base, int v) { s.set(splice_flags$LAYOUT, base + splice_flags$OFFSET, v); }

    private static final ValueLayout.OfInt rename_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement(7), groupElement("rename_flags"));
    public static final long rename_flags$OFFSET = $LAYOUT.byteOffset(groupElement(7), groupElement("rename_flags"));
    public static int rename_flags(MemorySegment s) { return s.get(rename_flags$LAYOUT, rename_flags$OFFSET); }
    public static void rename_flags(MemorySegment s, int v) { s.set(rename_flags$LAYOUT, rename_flags$OFFSET, v); }
    public static int rename_flags$at(MemorySegment s, long base) { return s.get(rename_flags$LAYOUT, base + rename_flags$OFFSET); }
    public static void rename_flags$at(MemorySegment s, long base, int v) { s.set(rename_flags$LAYOUT, base + rename_flags$OFFSET, v); }

    private static final ValueLayout.OfInt unlink_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement(7), groupElement("unlink_flags"));
    public static final long unlink_flags$OFFSET = $LAYOUT.byteOffset(groupElement(7), groupElement("unlink_flags"));
    public static int unlink_flags(MemorySegment s) { return s.get(unlink_flags$LAYOUT, unlink_flags$OFFSET); }
    public static void unlink_flags(MemorySegment s, int v) { s.set(unlink_flags$LAYOUT, unlink_flags$OFFSET, v); }
    public static int unlink_flags$at(MemorySegment s, long base) { return s.get(unlink_flags$LAYOUT, base + unlink_flags$OFFSET); }
    public static void unlink_flags$at(MemorySegment s, long base, int v) { s.set(unlink_flags$LAYOUT, base + unlink_flags$OFFSET, v); }

    private static final ValueLayout.OfInt hardlink_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement(7), groupElement("hardlink_flags"));
    public static final long hardlink_flags$OFFSET = $LAYOUT.byteOffset(groupElement(7), groupElement("hardlink_flags"));
    public static int hardlink_flags(MemorySegment s) { return s.get(hardlink_flags$LAYOUT, hardlink_flags$OFFSET); }
    public static void hardlink_flags(MemorySegment s, int v) { s.set(hardlink_flags$LAYOUT, hardlink_flags$OFFSET, v); }
    public static int hardlink_flags$at(MemorySegment s, long base) { return s.get(hardlink_flags$LAYOUT, base + hardlink_flags$OFFSET); }
    public static void hardlink_flags$at(MemorySegment s, long base, int v) { s.set(hardlink_flags$LAYOUT, base + hardlink_flags$OFFSET, v); }

    private static final ValueLayout.OfInt xattr_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement(7), groupElement("xattr_flags"));
    public static final long xattr_flags$OFFSET = $LAYOUT.byteOffset(groupElement(7), groupElement("xattr_flags"));
    public static int xattr_flags(MemorySegment s) { return s.get(xattr_flags$LAYOUT, xattr_flags$OFFSET); }
    public static void xattr_flags(MemorySegment s, int v) { s.set(xattr_flags$LAYOUT, xattr_flags$OFFSET, v); }
    public static int xattr_flags$at(MemorySegment s, long base) { return s.get(xattr_flags$LAYOUT, base + xattr_flags$OFFSET); }
    public static void xattr_flags$at(MemorySegment s, long base, int v) { s.set(xattr_flags$LAYOUT, base + xattr_flags$OFFSET, v); }

    private static final ValueLayout.OfInt msg_ring_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement(7), groupElement("msg_ring_flags"));
    public static final long msg_ring_flags$OFFSET = $LAYOUT.byteOffset(groupElement(7), groupElement("msg_ring_flags"));
    public static int msg_ring_flags(MemorySegment s) { return s.get(msg_ring_flags$LAYOUT, msg_ring_flags$OFFSET); }
    public static void msg_ring_flags(MemorySegment s, int v) { s.set(msg_ring_flags$LAYOUT, msg_ring_flags$OFFSET, v); }
    public static int msg_ring_flags$at(MemorySegment s, long base) { return s.get(msg_ring_flags$LAYOUT, base + msg_ring_flags$OFFSET); }
    public static void msg_ring_flags$at(MemorySegment s, long base, int v) { s.set(msg_ring_flags$LAYOUT, base + msg_ring_flags$OFFSET, v); }

    private static final ValueLayout.OfInt uring_cmd_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement(7), groupElement("uring_cmd_flags"));
    public static final long uring_cmd_flags$OFFSET = $LAYOUT.byteOffset(groupElement(7), groupElement("uring_cmd_flags"));
    public static int uring_cmd_flags(MemorySegment s) { return s.get(uring_cmd_flags$LAYOUT, uring_cmd_flags$OFFSET); }
    public static void uring_cmd_flags(MemorySegment s, int v) { s.set(uring_cmd_flags$LAYOUT, uring_cmd_flags$OFFSET, v); }
    public static int uring_cmd_flags$at(MemorySegment s, long base) { return s.get(uring_cmd_flags$LAYOUT, base + uring_cmd_flags$OFFSET); }
    public static void uring_cmd_flags$at(MemorySegment s, long base, int v) { s.set(uring_cmd_flags$LAYOUT, base + uring_cmd_flags$OFFSET, v); }

    private static final ValueLayout.OfLong user_data$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("user_data"));
    public static final long user_data$OFFSET = $LAYOUT.byteOffset(groupElement("user_data"));
    public static long user_data(MemorySegment s) { return s.get(user_data$LAYOUT, user_data$OFFSET); }
    public static void user_data(MemorySegment s, long v) { s.set(user_data$LAYOUT, user_data$OFFSET, v); }
    public static long user_data$at(MemorySegment s, long base) { return s.get(user_data$LAYOUT, base + user_data$OFFSET); }
    public static void user_data$at(MemorySegment s, long base, long v) { s.set(user_data$LAYOUT, base + user_data$OFFSET, v); }

    private static final ValueLayout.OfShort buf_index$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement(9), groupElement("buf_index"));
    public static final long buf_index$OFFSET = $LAYOUT.byteOffset(groupElement(9), groupElement("buf_index"));
    public static short buf_index(MemorySegment s) { return s.get(buf_index$LAYOUT, buf_index$OFFSET); }
    public static void buf_index(MemorySegment s, short v) { s.set(buf_index$LAYOUT, buf_index$OFFSET, v); }
    public static short buf_index$at(MemorySegment s, long base) { return s.get(buf_index$LAYOUT, base + buf_index$OFFSET); }
    public static void buf_index$at(MemorySegment s, long base, short v) { s.set(buf_index$LAYOUT, base + buf_index$OFFSET, v); }

    private static final ValueLayout.OfShort buf_group$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement(9), groupElement("buf_group"));
    public static final long buf_group$OFFSET = $LAYOUT.byteOffset(groupElement(9), groupElement("buf_group"));
    public static short buf_group(MemorySegment s) { return s.get(buf_group$LAYOUT, buf_group$OFFSET); }
    public static void buf_group(MemorySegment s, short v) { s.set(buf_group$LAYOUT, buf_group$OFFSET, v); }
    public static short buf_group$at(MemorySegment s, long base) { return s.get(buf_group$LAYOUT, base + buf_group$OFFSET); }
    public static void buf_group$at(MemorySegment s, long base, short v) { s.set(buf_group$LAYOUT, base + buf_group$OFFSET, v); }

    private static final ValueLayout.OfShort personality$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("personality"));
    public static final long personality$OFFSET = $LAYOUT.byteOffset(groupElement("personality"));
    public static short personality(MemorySegment s) { return s.get(personality$LAYOUT, personality$OFFSET); }
    public static void personality(MemorySegment s, short v) { s.set(personality$LAYOUT, personality$OFFSET, v); }
    public static short personality$at(MemorySegment s, long base) { return s.get(personality$LAYOUT, base + personality$OFFSET); }
    public static void personality$at(MemorySegment s, long base, short v) { s.set(personality$LAYOUT, base + personality$OFFSET, v); }

    private static final ValueLayout.OfInt splice_fd_in$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement(11), groupElement("splice_fd_in"));
    public static final long splice_fd_in$OFFSET = $LAYOUT.byteOffset(groupElement(11), groupElement("splice_fd_in"));
    public static int splice_fd_in(MemorySegment s) { return s.get(splice_fd_in$LAYOUT, splice_fd_in$OFFSET); }
    public static void splice_fd_in(MemorySegment s, int v) { s.set(splice_fd_in$LAYOUT, splice_fd_in$OFFSET, v); }
    public static int splice_fd_in$at(MemorySegment s, long base) { return s.get(splice_fd_in$LAYOUT, base + splice_fd_in$OFFSET); }
    public static void splice_fd_in$at(MemorySegment s, long base, int v) { s.set(splice_fd_in$LAYOUT, base + splice_fd_in$OFFSET, v); }

    private static final ValueLayout.OfInt file_index$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement(11), groupElement("file_index"));
    public static final long file_index$OFFSET = $LAYOUT.byteOffset(groupElement(11), groupElement("file_index"));
    public static int file_index(MemorySegment s) { return s.get(file_index$LAYOUT, file_index$OFFSET); }
    public static void file_index(MemorySegment s, int v) { s.set(file_index$LAYOUT, file_index$OFFSET, v); }
    public static int file_index$at(MemorySegment s, long base) { return s.get(file_index$LAYOUT, base + file_index$OFFSET); }
    public static void file_index$at(MemorySegment s, long base, int v) { s.set(file_index$LAYOUT, base + file_index$OFFSET, v); }

    private static final ValueLayout.OfShort addr_len$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement(11), groupElement(2), groupElement("addr_len"));
    public static final long addr_len$OFFSET = $LAYOUT.byteOffset(groupElement(11), groupElement(2), groupElement("addr_len"));
    public static short addr_len(MemorySegment s) { return s.get(addr_len$LAYOUT, addr_len$OFFSET); }
    public static void addr_len(MemorySegment s, short v) { s.set(addr_len$LAYOUT, addr_len$OFFSET, v); }
    public static short addr_len$at(MemorySegment s, long base) { return s.get(addr_len$LAYOUT, base + addr_len$OFFSET); }
    public static void addr_len$at(MemorySegment s, long base, short v) { s.set(addr_len$LAYOUT, base + addr_len$OFFSET, v); }

    private static final SequenceLayout __pad3$LAYOUT = (SequenceLayout) $LAYOUT.select(groupElement(11), groupElement(2), groupElement("__pad3"));
    private static final ValueLayout.OfShort __pad3$ELEMENT = (ValueLayout.OfShort) __pad3$LAYOUT.elementLayout();
    public static final long __pad3$OFFSET = $LAYOUT.byteOffset(groupElement(11), groupElement(2), groupElement("__pad3"));
    /** Number of elements of {@code __pad3}. */
    public static final long __pad3$COUNT = __pad3$LAYOUT.elementCount();
    public static MemorySegment __pad3(MemorySegment s) { return s.asSlice(__pad3$OFFSET, __pad3$LAYOUT); }
    public static short __pad3(MemorySegment s, long i) { return __pad3$at(s, 0, i); }
    public static void __pad3(MemorySegment s, long i, short v) { __pad3$at(s, 0, i, v); }
    public static short __pad3$at(MemorySegment s, long base, long i) {
        return s.get(__pad3$ELEMENT, base + __pad3$OFFSET + Objects.checkIndex(i, __pad3$COUNT) * __pad3$ELEMENT.byteSize());
    }
    public static void __pad3$at(MemorySegment s, long base, long i, short v) {
        s.set(__pad3$ELEMENT, base + __pad3$OFFSET + Objects.checkIndex(i, __pad3$COUNT) * __pad3$ELEMENT.byteSize(), v);
    }

    private static final ValueLayout.OfLong addr3$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement(12), groupElement(0), groupElement("addr3"));
    public static final long addr3$OFFSET = $LAYOUT.byteOffset(groupElement(12), groupElement(0), groupElement("addr3"));
    public static long addr3(MemorySegment s) { return s.get(addr3$LAYOUT, addr3$OFFSET); }
    public static void addr3(MemorySegment s, long v) { s.set(addr3$LAYOUT, addr3$OFFSET, v); }
    public static long addr3$at(MemorySegment s, long base) { return s.get(addr3$LAYOUT, base + addr3$OFFSET); }
    public static void addr3$at(MemorySegment s, long base, long v) { s.set(addr3$LAYOUT, base + addr3$OFFSET, v); }

    private static final SequenceLayout __pad2$LAYOUT = (SequenceLayout) $LAYOUT.select(groupElement(12), groupElement(0), groupElement("__pad2"));
    private static final ValueLayout.OfLong __pad2$ELEMENT = (ValueLayout.OfLong) __pad2$LAYOUT.elementLayout();
    public static final long __pad2$OFFSET = $LAYOUT.byteOffset(groupElement(12), groupElement(0), groupElement("__pad2"));
    /** Number of elements of {@code __pad2}. */
    public static final long __pad2$COUNT = __pad2$LAYOUT.elementCount();
    public static MemorySegment __pad2(MemorySegment s) { return s.asSlice(__pad2$OFFSET, __pad2$LAYOUT); }
    public static long __pad2(MemorySegment s, long i) { return __pad2$at(s, 0, i); }
    public static void __pad2(MemorySegment s, long i, long v) { __pad2$at(s, 0, i, v); }
    public static long __pad2$at(MemorySegment s, long base, long i) {
        return s.get(__pad2$ELEMENT, base + __pad2$OFFSET + Objects.checkIndex(i, __pad2$COUNT) * __pad2$ELEMENT.byteSize());
    }
    public static void __pad2$at(MemorySegment s, long base, long i, long v) {
        s.set(__pad2$ELEMENT, base + __pad2$OFFSET + Objects.checkIndex(i, __pad2$COUNT) * __pad2$ELEMENT.byteSize(), v);
    }

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
