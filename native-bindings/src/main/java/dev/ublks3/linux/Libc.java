package dev.ublks3.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Downcalls into the C library for the few calls ublk-s3 needs. Every call captures errno
 * ({@code Linker.Option.captureCallState("errno")}) into a per-thread segment allocated once, and turns a
 * failure into an {@link ErrnoException} naming the call, e.g.
 * {@code open(/dev/ublk-control): ENOENT (No such file or directory)}. {@link #rawSyscall} returns
 * {@code -errno} instead, for loops that expect errors (EINTR, ETIME). No allocation per call, except the C
 * string of a path.
 */
public final class Libc {
    private Libc() {}

    // open(2) flags: the generic values, the same on x86_64 and aarch64 except O_DIRECT
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_TRUNC = 01000;
    public static final int O_NONBLOCK = 04000;
    public static final int O_CLOEXEC = 02000000;
    public static final int O_DIRECT = "aarch64".equals(System.getProperty("os.arch")) ? 0200000 : 040000;

    // mmap(2)
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    public static final int MAP_PRIVATE = 2;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_POPULATE = 0x8000;

    // eventfd(2)
    public static final int EFD_SEMAPHORE = 1;
    public static final int EFD_NONBLOCK = 04000;
    public static final int EFD_CLOEXEC = 02000000;

    // prctl(2)
    public static final int PR_SET_NAME = 15;
    /** Marks a thread that does IO on behalf of the block layer (ublk queue threads set it, as other servers do). */
    public static final int PR_SET_IO_FLUSHER = 57;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(groupElement("errno"));
    // per thread: the capture state, then an 8-byte scratch slot (eventfd_read's out value)
    private static final long SCRATCH_OFFSET = (CALL_STATE.byteSize() + 7) & ~7L;
    private static final ThreadLocal<MemorySegment> STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(SCRATCH_OFFSET + 8, 8));

    @SuppressWarnings("restricted") // binding libc is the point of this class
    private static MethodHandle downcall(String name, FunctionDescriptor fd, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(extra, 0, options, 1, extra.length);
        MemorySegment symbol =
                LINKER.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    // one holder class a function, as jextract makes them: a handle is linked on its first call, and a command
    // that opens a file pays for no eventfd or prctl
    private static final class open {
        static final MethodHandle HANDLE = downcall(
                "open",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                Linker.Option.firstVariadicArg(2));
    }

    private static final class close {
        static final MethodHandle HANDLE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    private static final class mmap {
        static final MethodHandle HANDLE = downcall(
                "mmap",
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    }

    private static final class munmap {
        static final MethodHandle HANDLE = downcall("munmap", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    }

    private static final class eventfd {
        static final MethodHandle HANDLE = downcall("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }

    private static final class eventfd_read {
        static final MethodHandle HANDLE =
                downcall("eventfd_read", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    }

    private static final class eventfd_write {
        static final MethodHandle HANDLE =
                downcall("eventfd_write", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    }

    private static final class read {
        static final MethodHandle HANDLE =
                downcall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    }

    private static final class write {
        static final MethodHandle HANDLE =
                downcall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    }

    private static final class pread {
        static final MethodHandle HANDLE =
                downcall("pread", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    }

    private static final class pwrite {
        static final MethodHandle HANDLE =
                downcall("pwrite", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    }

    private static final class prctl {
        static final MethodHandle HANDLE = downcall(
                "prctl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                Linker.Option.firstVariadicArg(1));
    }

    private static final class syscall {
        static final MethodHandle HANDLE = downcall(
                "syscall",
                FunctionDescriptor.of(
                        JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                Linker.Option.firstVariadicArg(1));
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static ErrnoException fail(String call, MemorySegment state) {
        return new ErrnoException(call, errno(state));
    }

    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    /** open(2); returns the file descriptor. */
    public static int open(String path, int flags, int mode) throws ErrnoException {
        MemorySegment state = STATE.get();
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = (int) open.HANDLE.invokeExact(state, arena.allocateFrom(path), flags, mode);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (fd < 0) throw fail("open(" + path + ")", state);
        return fd;
    }

    /** open(2) without a mode (no O_CREAT). */
    public static int open(String path, int flags) throws ErrnoException {
        return open(path, flags, 0);
    }

    /** close(2). */
    public static void close(int fd) throws ErrnoException {
        MemorySegment state = STATE.get();
        int r;
        try {
            r = (int) close.HANDLE.invokeExact(state, fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (r < 0) throw fail("close(" + fd + ")", state);
    }

    /**
     * mmap(2) with a kernel-chosen address; returns a segment of {@code length} bytes with global scope. Give it a
     * lifetime with {@code reinterpret(length, arena, Libc::munmapQuietly)}.
     */
    @SuppressWarnings("restricted")
    public static MemorySegment mmap(long length, int prot, int flags, int fd, long offset) throws ErrnoException {
        MemorySegment state = STATE.get();
        long address;
        try {
            address = (long) mmap.HANDLE.invokeExact(state, 0L, length, prot, flags, fd, offset);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (address == -1L)
            throw fail("mmap(fd " + fd + ", offset 0x" + Long.toHexString(offset) + ", length " + length + ")", state);
        return MemorySegment.ofAddress(address).reinterpret(length);
    }

    /** munmap(2) of a whole mapping. */
    public static void munmap(MemorySegment mapping) throws ErrnoException {
        MemorySegment state = STATE.get();
        int r;
        try {
            r = (int) munmap.HANDLE.invokeExact(state, mapping.address(), mapping.byteSize());
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (r < 0) throw fail("munmap(0x" + Long.toHexString(mapping.address()) + ")", state);
    }

    /** munmap(2) for cleanup actions, where nothing can be done about a failure (it cannot fail on a valid mapping). */
    public static void munmapQuietly(MemorySegment mapping) {
        try {
            munmap(mapping);
        } catch (ErrnoException e) {
            throw new IllegalStateException(e);
        }
    }

    /** eventfd(2); returns the file descriptor. */
    public static int eventfd(int initval, int flags) throws ErrnoException {
        MemorySegment state = STATE.get();
        int fd;
        try {
            fd = (int) eventfd.HANDLE.invokeExact(state, initval, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (fd < 0) throw fail("eventfd", state);
        return fd;
    }

    /** Adds {@code value} to an eventfd's counter (glibc eventfd_write); safe from any thread. */
    public static void eventfdWrite(int fd, long value) throws ErrnoException {
        eventfdCall(eventfd_write.HANDLE, "eventfd_write", fd, value, STATE.get());
    }

    /** Reads and resets an eventfd's counter (glibc eventfd_read); blocks unless the fd is non-blocking. */
    public static long eventfdRead(int fd) throws ErrnoException {
        MemorySegment state = STATE.get();
        eventfdCall(eventfd_read.HANDLE, "eventfd_read", fd, state.address() + SCRATCH_OFFSET, state);
        return state.get(JAVA_LONG, SCRATCH_OFFSET);
    }

    /** eventfd_write or eventfd_read, which take the same arguments: the fd, and the value or the address of one. */
    private static void eventfdCall(MethodHandle handle, String call, int fd, long arg, MemorySegment state)
            throws ErrnoException {
        int r;
        try {
            r = (int) handle.invokeExact(state, fd, arg);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (r < 0) throw fail(call + "(" + fd + ")", state);
    }

    /** read(2) into {@code buf}; returns the bytes read. */
    public static long read(int fd, MemorySegment buf, long count) throws ErrnoException {
        return transfer(read.HANDLE, "read", fd, buf, count);
    }

    /** write(2) from {@code buf}; returns the bytes written. */
    public static long write(int fd, MemorySegment buf, long count) throws ErrnoException {
        return transfer(write.HANDLE, "write", fd, buf, count);
    }

    /** pread(2); returns the bytes read. */
    public static long pread(int fd, MemorySegment buf, long count, long offset) throws ErrnoException {
        return transferAt(pread.HANDLE, "pread", fd, buf, count, offset);
    }

    /** pwrite(2); returns the bytes written. */
    public static long pwrite(int fd, MemorySegment buf, long count, long offset) throws ErrnoException {
        return transferAt(pwrite.HANDLE, "pwrite", fd, buf, count, offset);
    }

    /** read(2) or write(2), whose handles take the same arguments: {@code count} bytes of {@code buf}. */
    private static long transfer(MethodHandle handle, String call, int fd, MemorySegment buf, long count)
            throws ErrnoException {
        MemorySegment state = STATE.get();
        long n;
        try {
            n = (long) handle.invokeExact(state, fd, checked(buf, count), count);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (n < 0) throw fail(call + "(" + fd + ")", state);
        return n;
    }

    /** pread(2) or pwrite(2): a {@link #transfer} at a file offset. */
    private static long transferAt(MethodHandle handle, String call, int fd, MemorySegment buf, long count, long offset)
            throws ErrnoException {
        MemorySegment state = STATE.get();
        long n;
        try {
            n = (long) handle.invokeExact(state, fd, checked(buf, count), count, offset);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (n < 0) throw fail(call + "(" + fd + ", offset " + offset + ")", state);
        return n;
    }

    /** prctl(2) with four unsigned long arguments; returns its result. */
    public static int prctl(int option, long arg2, long arg3, long arg4, long arg5) throws ErrnoException {
        MemorySegment state = STATE.get();
        int r;
        try {
            r = (int) prctl.HANDLE.invokeExact(state, option, arg2, arg3, arg4, arg5);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (r < 0) throw fail("prctl(" + option + ")", state);
        return r;
    }

    /**
     * syscall(2) with up to six arguments (pass 0 for unused ones, {@code segment.address()} for pointers):
     * the result, or {@code -errno} on failure (the kernel's own convention). For hot loops that expect errors.
     */
    public static long rawSyscall(long number, long a1, long a2, long a3, long a4, long a5, long a6) {
        return rawSyscall(STATE.get(), number, a1, a2, a3, a4, a5, a6);
    }

    /** A call-state segment for {@link #rawSyscall(MemorySegment, long, long, long, long, long, long, long)}. */
    public static MemorySegment newCallState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    /**
     * {@link #rawSyscall(long, long, long, long, long, long, long)} with errno captured into the caller's
     * {@code callState} (from {@link #newCallState}) instead of a per-thread one: for a hot loop owned by one thread.
     */
    public static long rawSyscall(
            MemorySegment callState, long number, long a1, long a2, long a3, long a4, long a5, long a6) {
        MemorySegment state = callState;
        long r;
        try {
            r = (long) syscall.HANDLE.invokeExact(state, number, a1, a2, a3, a4, a5, a6);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        return r == -1L ? -errno(state) : r;
    }

    /** syscall(2) that throws on failure; {@code name} names the call in the exception. */
    public static long syscall(String name, long number, long a1, long a2, long a3, long a4, long a5, long a6)
            throws ErrnoException {
        long r = rawSyscall(number, a1, a2, a3, a4, a5, a6);
        if (r < 0 && r >= -4095) throw new ErrnoException(name, (int) -r);
        return r;
    }

    private static MemorySegment checked(MemorySegment buf, long count) {
        if (count < 0 || count > buf.byteSize()) {
            throw new IndexOutOfBoundsException(
                    "count " + count + " exceeds the buffer's " + buf.byteSize() + " bytes");
        }
        return buf;
    }
}
