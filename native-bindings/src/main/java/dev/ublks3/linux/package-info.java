/**
 * FFM bindings for the kernel UAPI ublk-s3 uses, in jextract's shape: one class per header for constants
 * ({@link dev.ublks3.linux.io_uring_h}, {@link dev.ublks3.linux.ublk_cmd_h}) and one class per struct, named as in
 * C, with {@code layout()}, {@code field$OFFSET}, and static accessors {@code field(segment)} /
 * {@code field(segment, value)}; {@code field$at(segment, base, ...)} addresses a struct at a byte offset of a
 * larger segment (descriptor array, SQE command area) without slicing. Each layout is whole (every C field, so
 * sizes and offsets match the kernel), but accessors exist only for the fields ublk-s3 reads or writes. The build
 * generates these struct and constant classes from native-bindings/src/main/bindings/uapi.table: a field needed
 * later gets {@code access} there. Kernel spellings are kept verbatim;
 * names the kernel does not have (e.g. {@code io_uring_sqe.CMD_BYTES_SQE128}) are not prefixed with theirs.
 * Unsigned C fields are read into the signed Java type of the same width: widen them with
 * {@code Short.toUnsignedInt} / {@code Integer.toUnsignedLong}. {@link dev.ublks3.linux.Libc} holds the libc
 * downcalls, which throw {@link dev.ublks3.linux.ErrnoException}. LayoutTest checks every size, offset and constant
 * against gcc.
 */
package dev.ublks3.linux;
