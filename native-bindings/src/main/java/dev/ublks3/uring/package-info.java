/**
 * An io_uring ring in Java over the raw syscalls: {@link dev.ublks3.uring.IoUring}. Single-thread owned; see its
 * class comment for the loop and for how a ublk driver writes URING_CMD payloads.
 */
package dev.ublks3.uring;
