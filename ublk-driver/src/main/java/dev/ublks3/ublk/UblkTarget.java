package dev.ublks3.ublk;

/**
 * What serves a ublk device's requests: the driver's plug-in point (libublk-rs's per-tag IO closure, the kernel
 * selftests' {@code ublk_tgt_ops.queue_io}). The driver knows nothing of what is behind it.
 *
 * <p><b>Threading contract.</b>
 * <ul>
 *   <li>{@link #handle} is called on a queue's own thread ({@code ublk-q<devId>-<qid>}), one call at a time per
 *       queue, for every request of that queue; different queues call it concurrently. It must not block: start
 *       the work and return.</li>
 *   <li>The target completes each request exactly once with {@link UblkIo#complete(int)} (or
 *       {@link UblkIo#completeOk()}), from any thread: inside {@code handle} (a synchronous target: committed
 *       straight from the queue thread, no wakeup) or later from another thread (an S3 client's callback:
 *       handed back to the queue thread through a lock-free queue and an eventfd).</li>
 *   <li>The {@link UblkIo} object and its buffer belong to the target from {@code handle} until {@code complete};
 *       after that the driver reuses them for the tag's next request, so keep no reference past completion.</li>
 *   <li>A request never completed keeps its tag busy, and a stop waits for it: the kernel drains in-flight
 *       requests before it removes the disk.</li>
 *   <li>An exception thrown by {@code handle} before completing fails the request with -EIO.</li>
 * </ul>
 * FUA writes carry {@link UblkIo#fua()}: the data must be durable before completing. WRITE_ZEROES with
 * {@link UblkIo#noUnmap()} asks to keep the range allocated.
 */
@FunctionalInterface
public interface UblkTarget {
    /** Starts serving {@code io}; completes it now or later, exactly once, from any thread. */
    void handle(UblkIo io);
}
