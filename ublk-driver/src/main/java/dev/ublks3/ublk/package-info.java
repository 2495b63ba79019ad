/**
 * The ublk driver: a Linux block device (/dev/ublkbN) served from user space through the kernel's ublk driver
 * (io_uring commands on /dev/ublk-control and /dev/ublkcN). It knows ublk, not what stores the data: requests go
 * to a {@link dev.ublks3.ublk.UblkTarget}.
 *
 * <ul>
 *   <li>{@link dev.ublks3.ublk.UblkControl}: the control commands (ADD_DEV, SET_PARAMS, START_DEV, STOP_DEV,
 *       DEL_DEV, GET_DEV_INFO(2), GET_PARAMS, GET_FEATURES, START/END_USER_RECOVERY) with one-line errors
 *       ({@link dev.ublks3.ublk.UblkException}).</li>
 *   <li>{@link dev.ublks3.ublk.UblkDevice}: one device's life (create = add, configure, serve, start; close =
 *       stop, drain, delete), made from a {@link dev.ublks3.ublk.UblkDeviceConfig} whose
 *       {@link dev.ublks3.ublk.UblkDeviceConfig#params params} align requests to the target's unit
 *       (chunk_sectors = unit).</li>
 *   <li>{@link dev.ublks3.ublk.UblkQueue}: one OS thread per hardware queue, owning its io_uring, its descriptor
 *       mapping and its per-tag buffers.</li>
 * </ul>
 *
 * <p><b>Threading model.</b> Control commands run on the caller's thread (one at a time per
 * {@code UblkControl}). Each queue thread is the only one that talks to the kernel about its queue: it fetches
 * requests, calls {@link dev.ublks3.ublk.UblkTarget#handle} for each, and commits results. A target completes a
 * request ({@link dev.ublks3.ublk.UblkIo#complete}) on the queue thread (committed at once) or on any other
 * thread (the tag goes through a bounded lock-free queue, and an eventfd wakes the queue thread only when it may
 * be asleep). Per-tag objects and buffers are made once: the request path allocates nothing.
 */
package dev.ublks3.ublk;
