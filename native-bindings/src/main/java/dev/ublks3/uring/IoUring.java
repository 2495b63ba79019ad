package dev.ublks3.uring;

import static dev.ublks3.linux.io_uring_h.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.ublks3.linux.Errno;
import dev.ublks3.linux.ErrnoException;
import dev.ublks3.linux.Libc;
import dev.ublks3.linux.__kernel_timespec;
import dev.ublks3.linux.io_cqring_offsets;
import dev.ublks3.linux.io_sqring_offsets;
import dev.ublks3.linux.io_uring_cqe;
import dev.ublks3.linux.io_uring_getevents_arg;
import dev.ublks3.linux.io_uring_params;
import dev.ublks3.linux.io_uring_sqe;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.StringJoiner;

/**
 * An io_uring instance driven from Java through the raw syscalls (no liburing): the SQ and CQ rings and the SQE
 * array are mmapped; SQEs are written in place with the {@link io_uring_sqe} accessors; completions are handed to
 * a {@link CompletionHandler} straight from the CQ ring. No object is created per SQE or per CQE.
 *
 * <p><b>Threading.</b> A ring is owned by one thread: create it on the thread that submits (with
 * {@code IORING_SETUP_SINGLE_ISSUER} the kernel holds the ring to its creator) and call every method from that
 * thread. Other threads talk to the owner through an eventfd that has a read pending in the ring
 * ({@link #prepReadEventfd}); {@link Libc#eventfdWrite} is safe from any thread.
 *
 * <p><b>Typical loop.</b> {@code prep...} some SQEs, {@link #submitAndWait(int)} or
 * {@link #waitCompletions(int, Duration)}, then {@link #reap(CompletionHandler)}. The {@code prep} methods return
 * the SQE's byte offset in {@link #sqes()}, valid until the next submit; {@link #prepUringCmd} returns the offset
 * of the command area instead, where a ublk driver writes its {@code ublksrv_ctrl_cmd} / {@code ublksrv_io_cmd}
 * with their {@code $at} accessors. A buffer given to an SQE must stay alive until its completion is reaped.
 *
 * <p>Needs Linux 5.11+ (IORING_FEAT_EXT_ARG for timed waits, IORING_FEAT_NODROP so no completion is lost when
 * the CQ ring is full: the kernel keeps the overflow, signals it with IORING_SQ_CQ_OVERFLOW, and {@link #reap}
 * flushes it).
 */
public final class IoUring implements AutoCloseable {
    /** The optional setup flags a server wants when the kernel has them; dropped one by one on EINVAL. */
    public static final int DEFAULT_OPTIONAL_FLAGS = IORING_SETUP_COOP_TASKRUN
            | IORING_SETUP_TASKRUN_FLAG
            | IORING_SETUP_SINGLE_ISSUER
            | IORING_SETUP_DEFER_TASKRUN;

    // head/tail/flags are shared with the kernel: acquire what the kernel writes, release what we write
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final long ARG_SIZE = io_uring_getevents_arg.sizeof();

    private final Arena arena; // owns the mappings (munmapped on close) and the wait argument
    private final int fd;
    private final int setupFlags;
    private final int features;
    private final MemorySegment sq;
    private final MemorySegment cq;
    private final MemorySegment sqes;
    private final long sqHead, sqTail, sqFlags, sqArray;
    private final long cqHead, cqTail, cqOverflow, cqes;
    private final int sqMask, sqEntries, cqMask, cqEntries;
    private final int sqeSize, sqeShift, cqeShift;
    private final MemorySegment waitArg; // io_uring_getevents_arg, then the __kernel_timespec it points at
    private final long timespecOffset;
    private final MemorySegment callState; // errno of io_uring_enter, without a ThreadLocal lookup per call

    private int sqeTail; // next SQE to hand out; submit publishes it as the kernel's SQ tail
    private long cqeBase = -1; // the CQE being handed to a CompletionHandler, for bigCqe
    private boolean closed;

    private IoUring(Arena arena, int fd, MemorySegment p) throws ErrnoException {
        this.arena = arena;
        this.fd = fd;
        this.setupFlags = io_uring_params.flags(p);
        this.features = io_uring_params.features(p);
        this.sqEntries = io_uring_params.sq_entries(p);
        this.cqEntries = io_uring_params.cq_entries(p);
        this.sqeSize = (setupFlags & IORING_SETUP_SQE128) != 0 ? 128 : 64;
        this.sqeShift = sqeSize == 128 ? 7 : 6;
        this.cqeShift = (setupFlags & IORING_SETUP_CQE32) != 0 ? 5 : 4;

        long sqo = io_uring_params.sq_off$OFFSET, cqo = io_uring_params.cq_off$OFFSET;
        this.sqHead = io_sqring_offsets.head$at(p, sqo);
        this.sqTail = io_sqring_offsets.tail$at(p, sqo);
        this.sqFlags = io_sqring_offsets.flags$at(p, sqo);
        this.sqArray = io_sqring_offsets.array$at(p, sqo);
        this.cqHead = io_cqring_offsets.head$at(p, cqo);
        this.cqTail = io_cqring_offsets.tail$at(p, cqo);
        this.cqOverflow = io_cqring_offsets.overflow$at(p, cqo);
        this.cqes = io_cqring_offsets.cqes$at(p, cqo);

        long sqLen = sqArray + 4L * sqEntries;
        long cqLen = cqes + ((long) cqEntries << cqeShift);
        int prot = Libc.PROT_READ | Libc.PROT_WRITE, share = Libc.MAP_SHARED | Libc.MAP_POPULATE;
        if ((features & IORING_FEAT_SINGLE_MMAP) != 0) {
            this.sq = map(Math.max(sqLen, cqLen), prot, share, IORING_OFF_SQ_RING);
            this.cq = sq;
        } else {
            this.sq = map(sqLen, prot, share, IORING_OFF_SQ_RING);
            this.cq = map(cqLen, prot, share, IORING_OFF_CQ_RING);
        }
        this.sqes = map((long) sqEntries << sqeShift, prot, share, IORING_OFF_SQES);
        this.sqMask = sq.get(JAVA_INT, io_sqring_offsets.ring_mask$at(p, sqo));
        this.cqMask = cq.get(JAVA_INT, io_cqring_offsets.ring_mask$at(p, cqo));
        // SQEs are always taken in ring order, so the indirection array is the identity, filled once
        for (int i = 0; i < sqEntries; i++) sq.setAtIndex(JAVA_INT, sqArray / 4 + i, i);
        this.sqeTail = (int) INT.getAcquire(sq, sqTail);

        this.timespecOffset = (ARG_SIZE + 7) & ~7L;
        this.waitArg = arena.allocate(timespecOffset + __kernel_timespec.sizeof(), 8);
        io_uring_getevents_arg.ts(waitArg, waitArg.address() + timespecOffset);
        this.callState = Libc.newCallState(arena);
    }

    @SuppressWarnings("restricted") // ties the kernel's mapping to the ring's arena: munmap on close
    private MemorySegment map(long length, int prot, int flags, long offset) throws ErrnoException {
        return Libc.mmap(length, prot, flags, fd, offset).reinterpret(arena, Libc::munmapQuietly);
    }

    /**
     * Creates a ring with {@code entries} SQEs (the CQ gets twice as many).
     *
     * @param requiredFlags IORING_SETUP_* flags the caller cannot do without (e.g. SQE128 for ublk control)
     * @param optionalFlags flags to ask for; when the kernel refuses the set with EINVAL, the highest optional
     *                      flag is dropped and setup retried. {@link #setupFlags()} tells which were accepted.
     */
    public static IoUring open(int entries, int requiredFlags, int optionalFlags) throws ErrnoException {
        return open(entries, 0, requiredFlags, optionalFlags);
    }

    /** As {@link #open(int, int, int)}, with {@code cqEntries} CQEs (0 = the kernel's default of 2 x entries). */
    public static IoUring open(int entries, int cqEntries, int requiredFlags, int optionalFlags) throws ErrnoException {
        Arena arena = Arena.ofShared();
        int fd = -1;
        try {
            MemorySegment p = arena.allocate(io_uring_params.layout());
            int optional = optionalFlags & ~requiredFlags;
            for (; ; ) {
                int flags = requiredFlags | optional | (cqEntries > 0 ? IORING_SETUP_CQSIZE : 0);
                p.fill((byte) 0);
                io_uring_params.flags(p, flags);
                io_uring_params.cq_entries(p, cqEntries);
                long r = Libc.rawSyscall(__NR_io_uring_setup, entries, p.address(), 0, 0, 0, 0);
                if (r >= 0) {
                    fd = (int) r;
                    break;
                }
                if (r == -Errno.EINVAL && optional != 0) {
                    optional &= ~Integer.highestOneBit(optional); // newest flags have the highest bits
                    continue;
                }
                throw new ErrnoException("io_uring_setup(" + entries + ", " + setupFlagNames(flags) + ")", (int) -r);
            }
            int features = io_uring_params.features(p);
            int missing = (IORING_FEAT_EXT_ARG | IORING_FEAT_NODROP) & ~features;
            if (missing != 0) {
                throw new UnsupportedOperationException("io_uring lacks IORING_FEAT_EXT_ARG/NODROP (features 0x"
                        + Integer.toHexString(features) + "): Linux 5.11+ needed");
            }
            return new IoUring(arena, fd, p);
        } catch (ErrnoException | RuntimeException e) {
            arena.close();
            if (fd >= 0) closeQuietly(fd);
            throw e;
        }
    }

    private static void closeQuietly(int fd) {
        try {
            Libc.close(fd);
        } catch (ErrnoException ignored) {
            // nothing to do: the fd is gone either way
        }
    }

    /** The ring's file descriptor. */
    public int fd() {
        return fd;
    }

    /** The IORING_SETUP_* flags in effect (required ones plus the optional ones the kernel accepted). */
    public int setupFlags() {
        return setupFlags;
    }

    /** IORING_FEAT_* reported by the kernel. */
    public int features() {
        return features;
    }

    public int sqEntries() {
        return sqEntries;
    }

    public int cqEntries() {
        return cqEntries;
    }

    /** 64, or 128 with IORING_SETUP_SQE128. */
    public int sqeSize() {
        return sqeSize;
    }

    /** 16, or 32 with IORING_SETUP_CQE32. */
    public int cqeSize() {
        return 1 << cqeShift;
    }

    /** Bytes of an SQE's command area: 16, or 80 with IORING_SETUP_SQE128. */
    public int cmdAreaSize() {
        return sqeSize - (int) io_uring_sqe.cmd$OFFSET;
    }

    /** The SQE array; the offsets the {@code prep} methods return address it. */
    public MemorySegment sqes() {
        return sqes;
    }

    // ---- submission ----

    /** Hands out the next SQE, zeroed; submits first when the SQ is full. Returns its byte offset in sqes(). */
    public long nextSqe() throws ErrnoException {
        if (sqeTail - (int) INT.getAcquire(sq, sqHead) >= sqEntries) {
            submit(); // without SQPOLL the kernel takes all published SQEs during io_uring_enter
            if (sqeTail - (int) INT.getAcquire(sq, sqHead) >= sqEntries) {
                throw new IllegalStateException(
                        "submission queue full: the kernel took none of " + sqEntries + " SQEs");
            }
        }
        long sqe = (long) (sqeTail & sqMask) << sqeShift;
        sqeTail++;
        for (long i = 0; i < sqeSize; i += 8) sqes.set(JAVA_LONG, sqe + i, 0L);
        return sqe;
    }

    /** A generic SQE: opcode, fd, addr, len, off, user_data; other fields zero. Returns the SQE's offset. */
    public long prep(int opcode, int fd, long addr, int len, long offset, long userData) throws ErrnoException {
        long sqe = nextSqe();
        io_uring_sqe.opcode$at(sqes, sqe, (byte) opcode);
        io_uring_sqe.fd$at(sqes, sqe, fd);
        io_uring_sqe.off$at(sqes, sqe, offset);
        io_uring_sqe.addr$at(sqes, sqe, addr);
        io_uring_sqe.len$at(sqes, sqe, len);
        io_uring_sqe.user_data$at(sqes, sqe, userData);
        return sqe;
    }

    /** IORING_OP_NOP; completes with res 0. */
    public long prepNop(long userData) throws ErrnoException {
        return prep(IORING_OP_NOP, -1, 0, 0, 0, userData);
    }

    /** IORING_OP_READ of {@code len} bytes at file offset {@code offset} (-1 = current position) into {@code buf}. */
    public long prepRead(int fd, MemorySegment buf, int len, long offset, long userData) throws ErrnoException {
        return prep(IORING_OP_READ, fd, address(buf, len), len, offset, userData);
    }

    /** IORING_OP_WRITE of {@code len} bytes from {@code buf} at file offset {@code offset}. */
    public long prepWrite(int fd, MemorySegment buf, int len, long offset, long userData) throws ErrnoException {
        return prep(IORING_OP_WRITE, fd, address(buf, len), len, offset, userData);
    }

    /**
     * An 8-byte read of an eventfd into {@code buf}: completes when another thread writes the eventfd
     * ({@link Libc#eventfdWrite}), which wakes this ring's owner from a wait. Re-arm it after each completion.
     */
    public long prepReadEventfd(int eventfd, MemorySegment buf, long userData) throws ErrnoException {
        return prepRead(eventfd, buf, 8, 0, userData);
    }

    /** IORING_OP_POLL_ADD for {@code events} (POLLIN = 1, ...); completes with the ready events. */
    public long prepPollAdd(int fd, int events, long userData) throws ErrnoException {
        long sqe = prep(IORING_OP_POLL_ADD, fd, 0, 0, 0, userData);
        io_uring_sqe.poll32_events$at(sqes, sqe, events);
        return sqe;
    }

    /**
     * IORING_OP_URING_CMD with {@code cmd_op} on {@code fd}. Returns the byte offset in {@link #sqes()} of the
     * zeroed command area ({@link #cmdAreaSize()} bytes), where the caller writes the command, e.g.
     * {@code ublksrv_io_cmd.tag$at(ring.sqes(), cmd, tag)}. The SQE itself starts at
     * {@code cmd - io_uring_sqe.cmd$OFFSET} (for {@code flags}, e.g. IOSQE_FIXED_FILE).
     */
    public long prepUringCmd(int fd, int cmdOp, long userData) throws ErrnoException {
        long sqe = prep(IORING_OP_URING_CMD, fd, 0, 0, 0, userData);
        io_uring_sqe.cmd_op$at(sqes, sqe, cmdOp);
        return sqe + io_uring_sqe.cmd$OFFSET;
    }

    private static long address(MemorySegment buf, int len) {
        if (len < 0 || len > buf.byteSize()) {
            throw new IndexOutOfBoundsException("length " + len + " exceeds the buffer's " + buf.byteSize() + " bytes");
        }
        if (!buf.isNative()) throw new IllegalArgumentException("io_uring needs a native buffer");
        return buf.address();
    }

    /** SQEs handed out but not yet taken by the kernel. */
    public int pending() {
        return sqeTail - (int) INT.getAcquire(sq, sqHead);
    }

    /** Submits the SQEs handed out since the last submit, in one io_uring_enter; returns how many the kernel took. */
    public int submit() throws ErrnoException {
        int toSubmit = publish();
        boolean flush = cqNeedsFlush();
        if (toSubmit == 0 && !flush) return 0;
        for (; ; ) {
            long r = enter(toSubmit, 0, flush ? IORING_ENTER_GETEVENTS : 0, 0);
            if (r >= 0) return (int) r;
            if (r == -Errno.EINTR) continue;
            if (busy(r)) return 0;
            throw new ErrnoException("io_uring_enter(submit " + toSubmit + ")", (int) -r);
        }
    }

    /** Submits, then blocks until at least {@code n} completions are ready; returns how many SQEs were submitted. */
    public int submitAndWait(int n) throws ErrnoException {
        n = Math.min(n, cqEntries); // more can never be in the ring at once; the rest wait in the overflow backlog
        int submitted = 0;
        for (; ; ) {
            int toSubmit = publish();
            long r = enter(toSubmit, n, IORING_ENTER_GETEVENTS, 0);
            if (r >= 0) {
                submitted += (int) r;
            } else if (busy(r)) {
                return submitted; // CQ backlog full: the caller must reap first
            } else if (r != -Errno.EINTR) {
                throw new ErrnoException("io_uring_enter(submit " + toSubmit + ", wait " + n + ")", (int) -r);
            }
            if (ready() >= n) return submitted;
        }
    }

    /**
     * Submits what is pending, then waits until at least {@code n} completions are ready or {@code timeout} has
     * passed. Returns the number of completions ready (fewer than {@code n} after a timeout); reap them next.
     * {@code n} is capped at the CQ size: more never fit in the ring at once (the kernel keeps the rest until
     * {@link #reap} makes room).
     */
    public int waitCompletions(int n, Duration timeout) throws ErrnoException {
        n = Math.min(n, cqEntries);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (; ; ) {
            int toSubmit = publish();
            int ready = ready();
            long left = deadline - System.nanoTime();
            if (ready >= n && toSubmit == 0) return ready;
            if (ready >= n || left <= 0) {
                // submit what is pending and, without waiting, let the kernel post deferred completions
                long r;
                do {
                    r = enter(toSubmit, 0, IORING_ENTER_GETEVENTS, 0);
                } while (r == -Errno.EINTR);
                if (r < 0 && !busy(r)) throw new ErrnoException("io_uring_enter(submit " + toSubmit + ")", (int) -r);
                return ready();
            }
            __kernel_timespec.tv_sec$at(waitArg, timespecOffset, left / 1_000_000_000L);
            __kernel_timespec.tv_nsec$at(waitArg, timespecOffset, left % 1_000_000_000L);
            long r = enter(toSubmit, n, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, waitArg.address());
            if (r < 0 && r != -Errno.ETIME && r != -Errno.EINTR) {
                if (busy(r)) return ready();
                throw new ErrnoException("io_uring_enter(wait " + n + ", timeout " + timeout + ")", (int) -r);
            }
        }
    }

    private long enter(int toSubmit, int minComplete, int flags, long arg) {
        return Libc.rawSyscall(
                callState,
                __NR_io_uring_enter,
                fd,
                toSubmit,
                minComplete,
                flags,
                arg,
                (flags & IORING_ENTER_EXT_ARG) != 0 ? ARG_SIZE : 0);
    }

    private static boolean busy(long r) {
        return r == -Errno.EAGAIN || r == -Errno.EBUSY;
    }

    /** Publishes the handed-out SQEs as the SQ tail; returns how many the kernel has not taken yet. */
    private int publish() {
        INT.setRelease(sq, sqTail, sqeTail);
        return sqeTail - (int) INT.getAcquire(sq, sqHead);
    }

    // ---- completion ----

    /** Completions in the CQ ring, not yet reaped. */
    public int ready() {
        return (int) INT.getAcquire(cq, cqTail) - (int) INT.get(cq, cqHead);
    }

    /**
     * Hands every ready completion to {@code handler}, in order, then frees their CQ slots. When the kernel holds
     * overflowed completions (CQ ring was full) or deferred task work, flushes them into the ring and goes on.
     * Returns the number of completions handled.
     */
    public int reap(CompletionHandler handler) throws ErrnoException {
        int total = drain(handler);
        // a handler may submit (a full SQ submits itself), which can add more: one flush pass, not an endless loop
        if (cqNeedsFlush()) {
            flushCompletions();
            total += drain(handler);
        }
        return total;
    }

    private int drain(CompletionHandler handler) {
        int head = (int) INT.get(cq, cqHead); // only this thread writes the CQ head
        int tail = (int) INT.getAcquire(cq, cqTail);
        int n = 0;
        try {
            while (head != tail) {
                long cqe = cqes + ((long) (head & cqMask) << cqeShift);
                head++;
                n++;
                cqeBase = cqe;
                handler.complete(
                        io_uring_cqe.user_data$at(cq, cqe),
                        io_uring_cqe.res$at(cq, cqe),
                        io_uring_cqe.flags$at(cq, cqe));
            }
        } finally {
            cqeBase = -1;
            INT.setRelease(cq, cqHead, head);
        }
        return n;
    }

    /** {@code big_cqe[i]} (i = 0, 1) of the CQE being handled; only inside a CompletionHandler of a CQE32 ring. */
    public long bigCqe(int i) {
        if (cqeBase < 0 || cqeShift != 5) throw new IllegalStateException("no 32-byte CQE is being handled");
        return io_uring_cqe.big_cqe$at(cq, cqeBase, i);
    }

    private boolean cqNeedsFlush() {
        return ((int) INT.getAcquire(sq, sqFlags) & (IORING_SQ_CQ_OVERFLOW | IORING_SQ_TASKRUN)) != 0;
    }

    private void flushCompletions() throws ErrnoException {
        long r;
        do {
            r = enter(0, 0, IORING_ENTER_GETEVENTS, 0);
        } while (r == -Errno.EINTR);
        if (r < 0 && !busy(r)) throw new ErrnoException("io_uring_enter(flush completions)", (int) -r);
    }

    /** Completions the kernel dropped because the CQ ring was full (stays 0 with IORING_FEAT_NODROP). */
    public int droppedCompletions() {
        return (int) INT.getAcquire(cq, cqOverflow);
    }

    /**
     * Registers {@code fds} as the ring's fixed files (IORING_REGISTER_FILES): an SQE with IOSQE_FIXED_FILE in
     * {@code flags} then names a file by its index here instead of its fd, which saves a file lookup per request
     * (ublk servers do this for /dev/ublkcN). Call from the owning thread.
     */
    public void registerFiles(int... fds) throws ErrnoException {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment array = scratch.allocateFrom(JAVA_INT, fds);
            Libc.syscall(
                    "io_uring_register(IORING_REGISTER_FILES, " + fds.length + " files)",
                    __NR_io_uring_register,
                    fd,
                    IORING_REGISTER_FILES,
                    array.address(),
                    fds.length,
                    0,
                    0);
        }
    }

    // ---- life cycle ----

    /** Unmaps the rings and closes the fd. Idempotent. Completions not reaped are lost. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        arena.close();
        closeQuietly(fd);
    }

    /** "SQE128|CQE32|..." for a set of IORING_SETUP_* flags. */
    public static String setupFlagNames(int flags) {
        String[] names = {
            "IOPOLL",
            "SQPOLL",
            "SQ_AFF",
            "CQSIZE",
            "CLAMP",
            "ATTACH_WQ",
            "R_DISABLED",
            "SUBMIT_ALL",
            "COOP_TASKRUN",
            "TASKRUN_FLAG",
            "SQE128",
            "CQE32",
            "SINGLE_ISSUER",
            "DEFER_TASKRUN"
        };
        StringJoiner j = new StringJoiner("|");
        for (int bit = 0; bit < 32; bit++) {
            if ((flags & (1 << bit)) != 0) j.add(bit < names.length ? names[bit] : "1<<" + bit);
        }
        return j.length() == 0 ? "0" : j.toString();
    }

    @Override
    public String toString() {
        return "IoUring[fd " + fd + ", " + sqEntries + "/" + cqEntries + " entries, " + setupFlagNames(setupFlags)
                + "]";
    }
}
