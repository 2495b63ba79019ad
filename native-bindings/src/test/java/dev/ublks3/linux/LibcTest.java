package dev.ublks3.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The libc downcalls against the real C library: results, and errno turned into named exceptions. */
class LibcTest {
    @TempDir
    Path dir;

    @Test
    void failedOpenNamesTheCallTheErrnoAndItsMessage() {
        ErrnoException e = assertThrows(ErrnoException.class, () -> Libc.open(dir + "/missing", Libc.O_RDONLY));
        assertEquals("open(" + dir + "/missing): ENOENT (No such file or directory)", e.getMessage());
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("ENOENT", e.errnoName());
    }

    @Test
    void pwriteThenPreadAndWriteThenRead() throws Exception {
        Path file = dir.resolve("f");
        int fd = Libc.open(file.toString(), Libc.O_RDWR | Libc.O_CREAT | Libc.O_CLOEXEC, 0644);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocateFrom("hello, ublk");
            assertEquals(11, Libc.pwrite(fd, buf, 11, 100));
            assertEquals(11, Libc.write(fd, buf, 11)); // at position 0
            MemorySegment back = arena.allocate(11);
            assertEquals(11, Libc.pread(fd, back, 11, 100));
            assertEquals("hello, ublk", new String(back.toArray(JAVA_BYTE)));
            assertEquals(111, Files.size(file));
            assertEquals(11, Libc.read(fd, back, 11), "read continues after write, pread moves no position");
            assertArrayEquals(new byte[11], back.toArray(JAVA_BYTE), "the hole between 11 and 100 reads as zeros");
        } finally {
            Libc.close(fd);
        }
        assertEquals(
                Errno.EBADF,
                assertThrows(ErrnoException.class, () -> Libc.close(fd)).errno());
    }

    @Test
    void eventfdCountsWrites() throws Exception {
        int efd = Libc.eventfd(2, Libc.EFD_CLOEXEC);
        try {
            Libc.eventfdWrite(efd, 3);
            Libc.eventfdWrite(efd, 4);
            assertEquals(9, Libc.eventfdRead(efd));
        } finally {
            Libc.close(efd);
        }
        int nonBlocking = Libc.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        try {
            assertEquals(
                    Errno.EAGAIN,
                    assertThrows(ErrnoException.class, () -> Libc.eventfdRead(nonBlocking))
                            .errno());
        } finally {
            Libc.close(nonBlocking);
        }
    }

    @Test
    void anonymousMmapIsUsableUntilMunmap() throws Exception {
        MemorySegment m =
                Libc.mmap(8192, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0);
        m.set(JAVA_BYTE, 8191, (byte) 7);
        assertEquals(7, m.get(JAVA_BYTE, 8191));
        Libc.munmap(m);
        ErrnoException e =
                assertThrows(ErrnoException.class, () -> Libc.mmap(4096, Libc.PROT_READ, Libc.MAP_SHARED, 1 << 20, 0));
        assertEquals(Errno.EBADF, e.errno());
    }

    @Test
    void syscallAndPrctl() throws Exception {
        long getpid = "aarch64".equals(System.getProperty("os.arch")) ? 172 : 39;
        assertEquals(ProcessHandle.current().pid(), Libc.syscall("getpid", getpid, 0, 0, 0, 0, 0, 0));
        long close = getpid == 39 ? 3 : 57;
        assertEquals(-Errno.EBADF, Libc.rawSyscall(close, 1 << 20, 0, 0, 0, 0, 0), "raw: -errno, no exception");
        ErrnoException e = assertThrows(ErrnoException.class, () -> Libc.prctl(-1, 0, 0, 0, 0));
        assertEquals(Errno.EINVAL, e.errno());
        // PR_SET_NAME on a thread of our own: the kernel's name for it changes
        String[] comm = new String[1];
        Thread t = Thread.ofPlatform().start(() -> {
            try (Arena arena = Arena.ofConfined()) {
                Libc.prctl(Libc.PR_SET_NAME, arena.allocateFrom("ublk-q7").address(), 0, 0, 0);
                comm[0] = Files.readString(Path.of("/proc/thread-self/comm")).strip();
            } catch (Exception x) {
                comm[0] = x.toString();
            }
        });
        t.join();
        assertEquals("ublk-q7", comm[0]);
    }
}
