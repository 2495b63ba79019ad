package dev.ublks3.ublk;

import static dev.ublks3.linux.io_uring_h.*;
import static dev.ublks3.linux.ublk_cmd_h.*;

import dev.ublks3.linux.Errno;
import dev.ublks3.linux.ErrnoException;
import dev.ublks3.linux.Libc;
import dev.ublks3.linux.io_uring_sqe;
import dev.ublks3.linux.ublksrv_io_cmd;
import dev.ublks3.linux.ublksrv_io_desc;
import dev.ublks3.uring.CompletionHandler;
import dev.ublks3.uring.IoUring;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One hardware queue of a ublk device, served by its own OS thread ({@code ublk-q<devId>-<qid>}), which owns the
 * queue's io_uring, the mmap of its request descriptors on /dev/ublkcN and one I/O buffer per tag. The kernel
 * binds the queue to the thread of its first FETCH_REQ: every later command of the queue must come from it.
 *
 * <p>The thread submits FETCH_REQ for every tag, then serves: a CQE with res 0 means the tag holds a request
 * (read its descriptor, hand it to the {@link UblkTarget}); the target's completion goes back as
 * COMMIT_AND_FETCH_REQ (result and the next fetch in one command); res -ENODEV (UBLK_IO_RES_ABORT) means the
 * device is stopping and the tag is done. The thread ends when every tag is aborted (after STOP_DEV) or when
 * asked to exit (a failed start), then closes its ring and unmaps.
 *
 * <p>Completions from other threads go through a {@link TagQueue} and an eventfd the ring keeps a read pending
 * on. The eventfd is written only when the queue thread is about to sleep (the "wakeup armed" flag), so a
 * burst of completions costs one write. Completions on the queue thread itself are committed directly.
 */
public final class UblkQueue {
    private static final System.Logger LOG = System.getLogger(UblkQueue.class.getName());
    private static final long DESC_SIZE = ublksrv_io_desc.sizeof();
    private static final long EVENTFD_DATA = 1L << 32; // user_data of the eventfd read; tags are below 2^16
    private static final int FIXED_CHAR_FD = 0; // /dev/ublkcN is the ring's registered file 0
    static final long PAGE_SIZE = pageSize();

    @SuppressWarnings("restricted") // getpagesize(): no arguments, no errno
    private static long pageSize() {
        var linker = java.lang.foreign.Linker.nativeLinker();
        var symbol = linker.defaultLookup().find("getpagesize").orElseThrow();
        try {
            return (int) linker.downcallHandle(
                            symbol, java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_INT))
                    .invokeExact();
        } catch (Throwable t) {
            throw new ExceptionInInitializerError(t);
        }
    }

    private final int devId;
    private final int qid;
    private final int depth;
    private final int bufBytes;
    private final int charFd;
    private final UblkTarget target;
    private final int fetchOp, commitOp;
    private final Thread thread;
    private final TagQueue completions;
    private final AtomicBoolean wakeupArmed = new AtomicBoolean();
    private final QueueTimes times = new QueueTimes();
    private final CountDownLatch fetched = new CountDownLatch(1);
    private final int eventFd;
    private volatile boolean exitRequested;
    private volatile boolean exited;
    private volatile Throwable failure;

    // the queue thread's own state
    private final Arena arena = Arena.ofShared(); // targets read and write the buffers from their own threads
    private IoUring ring;
    private MemorySegment sqes;
    private MemorySegment descs;
    private MemorySegment eventBuf;
    private final UblkIo[] ios;
    private final long[] bufAddr;
    private final boolean[] tagDone;
    private int doneTags;
    private long requests; // written by the queue thread only
    private final CompletionHandler onCqe = this::onCqe;

    /** Queue {@code qid} of {@code device}, with the depth, buffer size and command encoding ADD_DEV negotiated. */
    UblkQueue(UblkDevInfo device, int qid, int charFd, UblkTarget target) throws UblkException {
        this.devId = device.devId();
        this.qid = qid;
        this.depth = device.queueDepth();
        this.bufBytes = device.maxIoBufBytes();
        this.charFd = charFd;
        this.target = target;
        boolean encodedIo = device.features().has(UBLK_F_CMD_IOCTL_ENCODE);
        this.fetchOp = encodedIo ? UBLK_U_IO_FETCH_REQ : UBLK_IO_FETCH_REQ;
        this.commitOp = encodedIo ? UBLK_U_IO_COMMIT_AND_FETCH_REQ : UBLK_IO_COMMIT_AND_FETCH_REQ;
        this.completions = new TagQueue(depth);
        this.ios = new UblkIo[depth];
        this.bufAddr = new long[depth];
        this.tagDone = new boolean[depth];
        try {
            this.eventFd = Libc.eventfd(0, Libc.EFD_CLOEXEC);
        } catch (ErrnoException e) {
            throw new UblkException("eventfd", e.errno(), Errno.message(e.errno()), "", e);
        }
        this.thread = Thread.ofPlatform()
                .name("ublk-q" + devId + "-" + qid)
                .daemon(false)
                .unstarted(this::run);
    }

    /** The queue's number (q_id). */
    public int queueId() {
        return qid;
    }

    /** The queue's depth (tags 0..depth-1). */
    public int depth() {
        return depth;
    }

    /** The serving thread. */
    public Thread thread() {
        return thread;
    }

    void start() {
        thread.start();
    }

    /** Waits until every tag has its FETCH_REQ submitted; throws the thread's setup failure. */
    void awaitFetched(long timeoutMillis) throws UblkException {
        try {
            if (!fetched.await(timeoutMillis, TimeUnit.MILLISECONDS)) {
                throw new UblkException(
                        "FETCH_REQ", 0, "queue " + qid + " did not fetch within " + timeoutMillis + " ms", "");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UblkException("FETCH_REQ", 0, "interrupted while queue " + qid + " was fetching", "", e);
        }
        Throwable f = failure;
        if (f instanceof UblkException u) throw u;
        if (f instanceof ErrnoException e) {
            throw new UblkException(
                    "queue " + qid + " setup",
                    e.errno(),
                    e.getMessage(),
                    e.errno() == Errno.ENOMEM
                            ? "lower the depth or the max I/O size (each tag has a buffer that large)"
                            : "",
                    e);
        }
        if (f != null) throw new UblkException("queue " + qid + " setup", 0, f.toString(), "", f);
    }

    /** Requests handed to the target so far (exact once the thread ended, approximate while it serves). */
    public long requests() {
        return requests;
    }

    /** Where its requests' time went: in the target, and back to this thread. */
    QueueTimes times() {
        return times;
    }

    /** The failure that ended the thread, or null. */
    public Throwable failure() {
        return failure;
    }

    /** True once the thread has ended (ring closed, mappings released). */
    public boolean exited() {
        return exited;
    }

    /** Asks the thread to end now, whatever is pending (a start that failed before START_DEV, or a stuck stop). */
    void requestExit() {
        exitRequested = true;
        wake();
    }

    boolean join(long millis) throws InterruptedException {
        return thread.join(java.time.Duration.ofMillis(millis));
    }

    /** Releases the eventfd once the thread has ended. */
    void close() {
        if (!exited && thread.getState() != Thread.State.NEW)
            throw new IllegalStateException("queue " + qid + " is still serving");
        try {
            Libc.close(eventFd);
        } catch (ErrnoException e) {
            LOG.log(System.Logger.Level.WARNING, "ublk queue " + qid + ": close(eventfd): " + e.getMessage());
        }
    }

    // for tests: the cross-thread hand-off without a kernel
    TagQueue completions() {
        return completions;
    }

    int eventFd() {
        return eventFd;
    }

    void armWakeup() {
        wakeupArmed.set(true);
    }

    // ---- the queue thread ----

    private void run() {
        try {
            setup();
            fetched.countDown();
            serve();
        } catch (Throwable t) {
            failure = t;
            if (fetched.getCount() == 0) {
                LOG.log(System.Logger.Level.ERROR, "ublk " + devId + " queue " + qid + " failed: " + t, t);
            }
        } finally {
            if (ring != null) ring.close(); // cancels the fetches still pending in the kernel
            arena.close(); // munmap of the descriptors and the buffers
            exited = true;
            fetched.countDown();
        }
    }

    private void setup() throws ErrnoException, UblkException {
        try {
            // marks the thread as doing I/O for the block layer (memory reclaim must not wait on it), as other servers
            // do
            Libc.prctl(Libc.PR_SET_IO_FLUSHER, 1, 0, 0, 0);
        } catch (ErrnoException e) {
            LOG.log(System.Logger.Level.DEBUG, "prctl(PR_SET_IO_FLUSHER): " + e.getMessage());
        }
        ring = IoUring.open(depth + 1, 0, IoUring.DEFAULT_OPTIONAL_FLAGS);
        sqes = ring.sqes();
        ring.registerFiles(charFd);
        long pageMask = PAGE_SIZE - 1; // the kernel's page size: 64 KiB on some aarch64 kernels
        long descStride = ((long) UBLK_MAX_QUEUE_DEPTH * DESC_SIZE + pageMask) & ~pageMask;
        long descLen = (depth * DESC_SIZE + pageMask) & ~pageMask;
        descs = map(
                descLen,
                Libc.PROT_READ,
                Libc.MAP_SHARED | Libc.MAP_POPULATE,
                charFd,
                UBLKSRV_CMD_BUF_OFFSET + qid * descStride);
        // buffers: anonymous mappings are page aligned and take memory only where the kernel copies data
        MemorySegment buffers = map(
                (long) depth * bufBytes,
                Libc.PROT_READ | Libc.PROT_WRITE,
                Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS,
                -1,
                0);
        eventBuf = arena.allocate(8, 8);
        for (int tag = 0; tag < depth; tag++) {
            MemorySegment buf = buffers.asSlice((long) tag * bufBytes, bufBytes);
            bufAddr[tag] = buf.address();
            ios[tag] = new UblkIo(this, tag, buf);
        }
        for (int tag = 0; tag < depth; tag++) ioCmd(fetchOp, tag, 0);
        ring.prepReadEventfd(eventFd, eventBuf, EVENTFD_DATA);
        ring.submit();
    }

    @SuppressWarnings("restricted") // the mapping's lifetime is the queue's arena: munmap when the thread ends
    private MemorySegment map(long length, int prot, int flags, int fd, long offset) throws ErrnoException {
        return Libc.mmap(length, prot, flags, fd, offset).reinterpret(arena, Libc::munmapQuietly);
    }

    private void serve() throws ErrnoException {
        while (doneTags < depth && !exitRequested) {
            drainCompletions();
            // arm the wakeup, then look again: a completion offered before the flag was set is seen here
            wakeupArmed.set(true);
            if (!completions.isEmpty()) {
                wakeupArmed.set(false);
                ring.submit();
                ring.reap(onCqe);
                continue;
            }
            ring.submitAndWait(1);
            wakeupArmed.set(false);
            ring.reap(onCqe);
        }
    }

    private void drainCompletions() throws ErrnoException {
        for (int tag; (tag = completions.poll()) >= 0; ) commit(ios[tag]);
    }

    private void onCqe(long userData, int res, int flags) {
        try {
            if (userData == EVENTFD_DATA) {
                if (doneTags < depth && !exitRequested) ring.prepReadEventfd(eventFd, eventBuf, EVENTFD_DATA);
                return;
            }
            int tag = (int) userData;
            if (res == UBLK_IO_RES_OK) {
                dispatch(tag);
            } else {
                if (res != UBLK_IO_RES_ABORT) {
                    LOG.log(
                            System.Logger.Level.ERROR,
                            "ublk " + devId + " queue " + qid + " tag " + tag + ": the kernel refused the command: "
                                    + Errno.describe(res));
                }
                if (!tagDone[tag]) {
                    tagDone[tag] = true;
                    doneTags++;
                }
            }
        } catch (ErrnoException e) {
            throw new IllegalStateException("ublk queue " + qid + ": " + e.getMessage(), e);
        }
    }

    private void dispatch(int tag) throws ErrnoException {
        long d = tag * DESC_SIZE;
        int opFlags = ublksrv_io_desc.op_flags$at(descs, d);
        UblkOp op = UblkOp.of(opFlags & 0xff);
        UblkIo io = ios[tag];
        if (op == null) { // WRITE_SAME, zoned ops: not advertised, refused if they come
            ioCmd(commitOp, tag, -Errno.EOPNOTSUPP);
            return;
        }
        io.start(op, opFlags, ublksrv_io_desc.start_sector$at(descs, d), ublksrv_io_desc.nr_sectors$at(descs, d));
        requests++;
        long dispatched = io.dispatchedNanos = System.nanoTime();
        try {
            target.handle(io);
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "ublk " + devId + " target failed on " + io + ": " + e, e);
            io.tryComplete(-Errno.EIO); // unless the target completed it before throwing
        }
        times.recordHandle(op, dispatched, System.nanoTime());
    }

    /** From UblkIo.complete, on any thread. */
    void completed(UblkIo io) {
        if (Thread.currentThread() == thread) {
            try {
                commit(io);
            } catch (ErrnoException e) {
                throw new IllegalStateException("ublk queue " + qid + ": " + e.getMessage(), e);
            }
            return;
        }
        if (exited) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "ublk " + devId + " queue " + qid + ": " + io + " completed after the queue ended");
            return;
        }
        completions.offer(io.tag());
        if (wakeupArmed.get() && wakeupArmed.compareAndSet(true, false)) wake();
    }

    private void wake() {
        try {
            Libc.eventfdWrite(eventFd, 1);
        } catch (ErrnoException e) {
            LOG.log(
                    System.Logger.Level.ERROR,
                    "ublk queue " + qid + ": cannot wake the queue thread: " + e.getMessage());
        }
    }

    private void commit(UblkIo io) throws ErrnoException {
        int result = io.result;
        times.record(io.op(), io.dispatchedNanos, io.completedNanos, System.nanoTime());
        io.reset();
        ioCmd(commitOp, io.tag(), result);
    }

    private void ioCmd(int op, int tag, int result) throws ErrnoException {
        long cmd = ring.prepUringCmd(FIXED_CHAR_FD, op, tag);
        io_uring_sqe.flags$at(sqes, cmd - io_uring_sqe.cmd$OFFSET, (byte) IOSQE_FIXED_FILE);
        ublksrv_io_cmd.q_id$at(sqes, cmd, (short) qid);
        ublksrv_io_cmd.tag$at(sqes, cmd, (short) tag);
        ublksrv_io_cmd.result$at(sqes, cmd, result);
        ublksrv_io_cmd.addr$at(sqes, cmd, bufAddr[tag]);
    }

    @Override
    public String toString() {
        return "UblkQueue[dev " + devId + " q " + qid + ", depth " + depth + ", " + (exited ? "exited" : "serving")
                + "]";
    }
}
