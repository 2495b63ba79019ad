package dev.ublks3.ublk;

import dev.ublks3.linux.Errno;
import dev.ublks3.linux.ErrnoException;
import dev.ublks3.linux.Libc;
import java.util.ArrayList;
import java.util.List;

/**
 * A live ublk device and its server (libublk-rs's {@code run_target} shape): {@link #create} adds the device,
 * starts one {@link UblkQueue} thread per hardware queue and starts the disk; {@link #close} stops and deletes it.
 *
 * <p>create: ADD_DEV → SET_PARAMS (fails fast on values the kernel refuses) → open /dev/ublkcN (it appears
 * asynchronously) → queue threads, each submitting its FETCH_REQs → START_DEV with this process's pid (blocks
 * until every tag is fetched, while the queues serve the partition scan). Any failure tears down what was made so
 * far, ending with DEL_DEV, and reports the first error: no device is left behind.
 *
 * <p>close: STOP_DEV (the kernel removes /dev/ublkbN once in-flight requests are completed, then aborts the
 * fetches) → the queue threads drain and end, closing their rings and unmapping → close /dev/ublkcN → DEL_DEV.
 * Thread-safe and idempotent (a shutdown hook may call it).
 */
public final class UblkDevice implements AutoCloseable {
    private static final long CHAR_DEVICE_WAIT_MILLIS = 3_000;
    private static final long FETCH_WAIT_MILLIS = 30_000;
    private static final long DRAIN_WAIT_MILLIS = 10_000;
    private static final long RECOVERY_WAIT_MILLIS = 10_000;

    private final UblkControl control;
    private final boolean ownsControl;
    private UblkDeviceConfig config; // for a recovered device: rebuilt from the kernel's info and params
    private final UblkTarget target;
    private final int recoverDevId; // -1: a new device (create); else the device being taken over (recover)
    private final List<UblkQueue> queues = new ArrayList<>();
    private int devId = -1;
    private UblkDevInfo info;
    private UblkParams params;
    private int charFd = -1;
    private boolean added, started, closed;

    private UblkDevice(
            UblkControl control, boolean ownsControl, UblkDeviceConfig config, UblkTarget target, int recoverDevId) {
        this.control = control;
        this.ownsControl = ownsControl;
        this.config = config;
        this.target = target;
        this.recoverDevId = recoverDevId;
    }

    /** Creates and starts a device on its own /dev/ublk-control connection; returns once /dev/ublkbN is live. */
    public static UblkDevice create(UblkDeviceConfig config, UblkTarget target) throws UblkException {
        return create(UblkControl.open(), true, config, target);
    }

    /** As {@link #create(UblkDeviceConfig, UblkTarget)} on a shared control connection (left open on close). */
    public static UblkDevice create(UblkControl control, UblkDeviceConfig config, UblkTarget target)
            throws UblkException {
        return create(control, false, config, target);
    }

    private static UblkDevice create(
            UblkControl control, boolean ownsControl, UblkDeviceConfig config, UblkTarget target) throws UblkException {
        if (config == null || target == null) {
            if (ownsControl) control.close();
            throw new IllegalArgumentException("a ublk device needs a config and a target");
        }
        return new UblkDevice(control, ownsControl, config, target, -1).started();
    }

    /**
     * Takes over device {@code devId} whose server died (made with {@link UblkDeviceConfig#userRecovery()}; the
     * kernel holds its I/O, state QUIESCED): START_USER_RECOVERY → open /dev/ublkcN → queue threads fetch →
     * END_USER_RECOVERY with this pid (requests held meanwhile are re-issued to {@code target}). On failure the
     * device is left quiesced for another attempt (not deleted); {@link #close} stops and deletes it as usual.
     */
    public static UblkDevice recover(int devId, UblkTarget target) throws UblkException {
        return new UblkDevice(UblkControl.open(), true, null, target, devId).started();
    }

    /** Starts this device, or takes it over; on any failure tears down what was made and throws. */
    private UblkDevice started() throws UblkException {
        try {
            if (recoverDevId >= 0) {
                startRecovery();
            } else {
                start();
            }
            return this;
        } catch (UblkException | RuntimeException | Error e) {
            teardown(e);
            throw e;
        }
    }

    private void startRecovery() throws UblkException {
        devId = recoverDevId;
        info = control.getDevInfo(devId);
        if (!info.features().has(dev.ublks3.linux.ublk_cmd_h.UBLK_F_USER_RECOVERY)) {
            throw new UblkException(
                    "START_USER_RECOVERY",
                    0,
                    "ublk " + devId + " was made without UBLK_F_USER_RECOVERY",
                    "only a device made with user recovery can be taken over; delete it instead");
        }
        params = control.getParams(devId);
        config = UblkDeviceConfig.of(info, params);
        // EBUSY until the dead server's files are released and the kernel has quiesced the queue: wait a little
        long deadline = System.nanoTime() + RECOVERY_WAIT_MILLIS * 1_000_000;
        for (; ; ) {
            try {
                control.startUserRecovery(devId);
                break;
            } catch (UblkException e) {
                if (e.errno() != Errno.EBUSY || System.nanoTime() > deadline) throw e;
                sleep(100);
            }
        }
        startQueues();
        control.endUserRecovery(devId, ProcessHandle.current().pid());
        started = true;
        info = control.getDevInfo(devId);
    }

    private void start() throws UblkException {
        UblkDeviceConfig.Queues q = config.queues();
        info = control.addDev(config.devId(), q.count(), q.depth(), q.maxIoBufBytes(), config.flags());
        devId = info.devId();
        added = true;
        if (config.userRecovery() && !info.features().has(dev.ublks3.linux.ublk_cmd_h.UBLK_F_USER_RECOVERY)) {
            throw new UblkException(
                    "ADD_DEV", 0, "the kernel dropped UBLK_F_USER_RECOVERY", "Linux 6.1+ is needed for user recovery");
        }
        control.setParams(devId, config.params(info.maxIoBufBytes()));
        startQueues();
        control.startDev(devId, ProcessHandle.current().pid());
        started = true;
        params = control.getParams(devId);
        info = control.getDevInfo(devId); // now LIVE, with the server's pid
    }

    /** Opens /dev/ublkcN and starts one thread per queue; returns once every tag is fetched. */
    private void startQueues() throws UblkException {
        charFd = openCharDevice(charDevicePath());
        for (int q = 0; q < info.nrHwQueues(); q++) {
            UblkQueue queue = new UblkQueue(info, q, charFd, target);
            queues.add(queue);
            queue.start();
        }
        for (UblkQueue queue : queues) queue.awaitFetched(FETCH_WAIT_MILLIS);
    }

    private static int openCharDevice(String path) throws UblkException {
        long deadline = System.nanoTime() + CHAR_DEVICE_WAIT_MILLIS * 1_000_000;
        for (; ; ) {
            try {
                return Libc.open(path, Libc.O_RDWR | Libc.O_CLOEXEC);
            } catch (ErrnoException e) {
                // devtmpfs/udev create the node shortly after ADD_DEV returns
                if (e.errno() == Errno.ENOENT && System.nanoTime() < deadline) {
                    sleep(10);
                    continue;
                }
                String hint = switch (e.errno()) {
                    case Errno.EBUSY -> "another server holds it";
                    case Errno.ENOENT ->
                        "it did not appear within " + CHAR_DEVICE_WAIT_MILLIS + " ms (is devtmpfs mounted on /dev?)";
                    case Errno.EACCES, Errno.EPERM -> "run as root";
                    default -> "";
                };
                throw new UblkException("open " + path, e.errno(), Errno.message(e.errno()), hint, e);
            }
        }
    }

    private static void sleep(long millis) throws UblkException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UblkException("ublk", 0, "interrupted", "", e);
        }
    }

    /** The device number N. */
    public int devId() {
        return devId;
    }

    /** /dev/ublkbN, the block device. */
    public String blockDevicePath() {
        return UblkPaths.block(devId);
    }

    /** /dev/ublkcN, the server's char device. */
    public String charDevicePath() {
        return UblkPaths.character(devId);
    }

    /** The device info after START_DEV: the values ADD_DEV negotiated (queues, depth, max_io_buf_bytes, flags), state, pid. */
    public UblkDevInfo info() {
        return info;
    }

    /** The params in effect (GET_PARAMS after START_DEV, with the device numbers). */
    public UblkParams params() {
        return params;
    }

    /** The config it was made with. */
    public UblkDeviceConfig config() {
        return config;
    }

    /** Where the requests' time went in the queues so far: in the target, and back to the queue thread. */
    public QueueTimes.Snapshot queueTimes() {
        return QueueTimes.merge(queues.stream().map(UblkQueue::times).toList());
    }

    /** The queues (one thread each). */
    public List<UblkQueue> queues() {
        return List.copyOf(queues);
    }

    /** The first queue failure, or null: a failed queue thread ends, and the kernel then fails that queue's I/O. */
    public Throwable queueFailure() {
        for (UblkQueue q : queues) {
            if (q.failure() != null) return q.failure();
        }
        return null;
    }

    /** Stops and deletes the device (STOP_DEV, queues drain and end, DEL_DEV). Idempotent; the first error is thrown. */
    @Override
    public synchronized void close() throws UblkException {
        if (closed) return;
        UblkException first = teardown(null);
        if (first != null) throw first;
    }

    /** Same as {@link #close()}. */
    public void stop() throws UblkException {
        close();
    }

    /** Undoes whatever was made; returns the first error (after {@code cause}, which gets the others as suppressed). */
    private synchronized UblkException teardown(Throwable cause) {
        if (closed) return null;
        closed = true;
        List<Throwable> errors = new ArrayList<>();
        if (started) {
            try {
                control.stopDev(devId); // returns once in-flight requests are done and the fetches are aborted
            } catch (UblkException e) {
                errors.add(e);
            }
        }
        for (UblkQueue q : queues) {
            // not started: nothing will abort the fetches, so end the threads (closing a ring cancels its commands)
            if (!started) q.requestExit();
        }
        for (UblkQueue q : queues) {
            try {
                if (!q.join(DRAIN_WAIT_MILLIS)) {
                    q.requestExit();
                    if (!q.join(DRAIN_WAIT_MILLIS)) {
                        errors.add(new UblkException("STOP_DEV", 0, "queue " + q.queueId() + " did not end", ""));
                        continue;
                    }
                }
                q.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                errors.add(e);
            }
        }
        if (charFd >= 0) {
            try {
                Libc.close(charFd);
            } catch (ErrnoException e) {
                errors.add(e);
            }
            charFd = -1;
        }
        // a failed takeover leaves the device to the next attempt; anything else is deleted
        if (added || (recoverDevId >= 0 && started)) {
            try {
                control.delDev(devId);
            } catch (UblkException e) {
                errors.add(e);
            }
        }
        if (ownsControl) control.close();
        if (cause != null) {
            for (Throwable t : errors) cause.addSuppressed(t);
            return null;
        }
        if (errors.isEmpty()) return null;
        Throwable f = errors.get(0);
        UblkException first =
                f instanceof UblkException u ? u : new UblkException("close ublk " + devId, 0, f.toString(), "", f);
        for (Throwable t : errors.subList(1, errors.size())) first.addSuppressed(t);
        return first;
    }

    @Override
    public String toString() {
        return "UblkDevice[" + blockDevicePath() + ", " + info + "]";
    }
}
