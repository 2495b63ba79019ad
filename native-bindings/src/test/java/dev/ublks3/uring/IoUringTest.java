package dev.ublks3.uring;

import static dev.ublks3.linux.io_uring_h.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.linux.Errno;
import dev.ublks3.linux.ErrnoException;
import dev.ublks3.linux.Libc;
import dev.ublks3.linux.io_uring_sqe;
import dev.ublks3.linux.ublk_cmd_h;
import dev.ublks3.linux.ublksrv_ctrl_cmd;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ring against the host kernel's io_uring. Every wait has a timeout, and each test runs on its own thread
 * under a JUnit timeout (a thread stuck in io_uring_enter cannot be interrupted), so a hang fails the test.
 * Rings are created inside the test methods: with SINGLE_ISSUER the creating thread must be the submitter.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IoUringTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int POLLIN = 1;

    @TempDir
    Path dir;

    /** The optional-flag sets the matrix tests run with: none, cooperative task work, and the default. */
    private static final int COOP = IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG;

    private Arena arena;
    private final List<Integer> fds = new ArrayList<>();

    /** One reaped completion, copied out for assertions (tests may allocate; the ring does not). */
    record Cqe(long userData, int res, int flags) {}

    @BeforeEach
    void setUp() {
        arena = Arena.ofShared();
    }

    @AfterEach
    void tearDown() throws ErrnoException {
        for (int fd : fds) Libc.close(fd);
        arena.close();
    }

    private int track(int fd) {
        fds.add(fd);
        return fd;
    }

    private static List<Cqe> reapAll(IoUring ring) throws ErrnoException {
        List<Cqe> out = new ArrayList<>();
        ring.reap((u, r, f) -> out.add(new Cqe(u, r, f)));
        return out;
    }

    /** Waits for and reaps exactly {@code n} completions, failing after WAIT. */
    private static List<Cqe> await(IoUring ring, int n) throws ErrnoException {
        List<Cqe> out = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (out.size() < n) {
            long left = deadline - System.nanoTime();
            assertTrue(left > 0, "only " + out.size() + " of " + n + " completions within " + WAIT);
            ring.waitCompletions(n - out.size(), Duration.ofNanos(left));
            ring.reap((u, r, f) -> out.add(new Cqe(u, r, f)));
        }
        assertEquals(n, out.size(), "more completions than requests");
        return out;
    }

    @ParameterizedTest(name = "optional flags {0}")
    @ValueSource(ints = {0, COOP, IoUring.DEFAULT_OPTIONAL_FLAGS})
    void nopRoundTrip(int optional) throws Exception {
        try (IoUring ring = IoUring.open(8, 0, optional)) {
            System.out.println("accepted: " + ring);
            ring.prepNop(42);
            assertEquals(1, ring.submitAndWait(1));
            assertEquals(List.of(new Cqe(42, 0, 0)), reapAll(ring));
            assertEquals(0, ring.ready());
        }
    }

    @Test
    void writeThenReadTempFile() throws Exception {
        Path file = dir.resolve("data");
        int fd = track(Libc.open(file.toString(), Libc.O_RDWR | Libc.O_CREAT | Libc.O_CLOEXEC, 0600));
        MemorySegment out = arena.allocate(4096, 4096), in = arena.allocate(4096, 4096);
        byte[] pattern = new byte[4096];
        for (int i = 0; i < pattern.length; i++) pattern[i] = (byte) (i * 31 + 7);
        MemorySegment.copy(pattern, 0, out, JAVA_BYTE, 0, pattern.length);
        try (IoUring ring = IoUring.open(8, 0, IoUring.DEFAULT_OPTIONAL_FLAGS)) {
            ring.prepWrite(fd, out, 4096, 8192, 1);
            assertEquals(List.of(new Cqe(1, 4096, 0)), await(ring, 1));
            byte[] onDisk = Files.readAllBytes(file); // checked independently of the ring
            assertEquals(8192 + 4096, onDisk.length);
            assertArrayEquals(pattern, java.util.Arrays.copyOfRange(onDisk, 8192, 8192 + 4096));

            ring.prepRead(fd, in, 4096, 8192, 2);
            ring.prepRead(fd, in, 100, 1_000_000, 3); // past the end: 0 bytes
            List<Cqe> done = await(ring, 2);
            assertTrue(done.contains(new Cqe(2, 4096, 0)), done.toString());
            assertTrue(done.contains(new Cqe(3, 0, 0)), done.toString());
            assertArrayEquals(pattern, in.toArray(JAVA_BYTE));
        }
    }

    @Test
    void readThroughARegisteredFixedFile() throws Exception {
        Path file = dir.resolve("fixed");
        Files.write(file, "fixed files".getBytes());
        int fd = track(Libc.open(file.toString(), Libc.O_RDONLY | Libc.O_CLOEXEC));
        MemorySegment buf = arena.allocate(64);
        try (IoUring ring = IoUring.open(8, 0, IoUring.DEFAULT_OPTIONAL_FLAGS)) {
            ring.registerFiles(-1, fd); // index 0 is an empty slot, index 1 the file
            long sqe = ring.prepRead(1, buf, 64, 0, 4);
            io_uring_sqe.flags$at(ring.sqes(), sqe, (byte) IOSQE_FIXED_FILE);
            assertEquals(List.of(new Cqe(4, 11, 0)), await(ring, 1));
            assertEquals("fixed files", new String(buf.asSlice(0, 11).toArray(JAVA_BYTE)));
        }
    }

    @ParameterizedTest(name = "optional flags {0}")
    @ValueSource(ints = {0, COOP, IoUring.DEFAULT_OPTIONAL_FLAGS})
    void manyRequestsInFlightAtOnce(int optional) throws Exception {
        int n = 300;
        int efd = track(Libc.eventfd(0, Libc.EFD_CLOEXEC));
        // 64 SQEs: preparing 300 makes the ring submit by itself each time the SQ is full
        try (IoUring ring = IoUring.open(64, 512, 0, optional)) {
            for (int i = 0; i < n; i++) ring.prepPollAdd(efd, POLLIN, 1000 + i);
            ring.submit();
            assertEquals(0, ring.pending());
            assertEquals(0, ring.waitCompletions(1, Duration.ofMillis(100)), "the polls must still be in flight");
            Libc.eventfdWrite(efd, 1); // one event completes all 300 waiting polls
            BitSet seen = new BitSet();
            for (Cqe c : await(ring, n)) {
                int i = (int) (c.userData() - 1000);
                assertTrue(i >= 0 && i < n && !seen.get(i), "unexpected or repeated user_data " + c.userData());
                seen.set(i);
                assertEquals(POLLIN, c.res() & POLLIN, "poll result " + c.res());
            }
            assertEquals(n, seen.cardinality());
        }
    }

    @ParameterizedTest(name = "optional flags {0}")
    @ValueSource(ints = {0, COOP, IoUring.DEFAULT_OPTIONAL_FLAGS})
    void completionQueueOverflowLosesNothing(int optional) throws Exception {
        int n = 100;
        try (IoUring ring = IoUring.open(8, 0, optional)) {
            assertEquals(16, ring.cqEntries());
            // 100 NOPs without reaping: far more than the 16 CQ slots, the kernel keeps the overflow
            for (int i = 0; i < n; i++) ring.prepNop(i);
            ring.submit();
            BitSet seen = new BitSet();
            for (Cqe c : await(ring, n)) {
                assertTrue(!seen.get((int) c.userData()), "repeated user_data " + c.userData());
                seen.set((int) c.userData());
            }
            assertEquals(n, seen.cardinality());
            assertEquals(0, ring.droppedCompletions());
        }
    }

    @ParameterizedTest(name = "optional flags {0}")
    @ValueSource(ints = {0, COOP, IoUring.DEFAULT_OPTIONAL_FLAGS})
    void eventfdWrittenFromAnotherThreadWakesBlockedWait(int optional) throws Exception {
        int efd = track(Libc.eventfd(0, Libc.EFD_CLOEXEC));
        MemorySegment value = arena.allocate(JAVA_LONG);
        AtomicLong writtenAt = new AtomicLong();
        try (IoUring ring = IoUring.open(8, 0, optional)) {
            ring.prepReadEventfd(efd, value, 7);
            ring.submit();
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(300);
                    writtenAt.set(System.nanoTime());
                    Libc.eventfdWrite(efd, 5);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            int ready = ring.waitCompletions(1, Duration.ofSeconds(10));
            long wokeAt = System.nanoTime();
            writer.join();
            assertEquals(1, ready);
            assertTrue(writtenAt.get() != 0 && wokeAt >= writtenAt.get(), "woke before the eventfd was written");
            assertTrue(wokeAt - writtenAt.get() < Duration.ofSeconds(2).toNanos(), "woke late");
            assertEquals(List.of(new Cqe(7, 8, 0)), reapAll(ring));
            assertEquals(5, value.get(JAVA_LONG, 0));
        }
    }

    /** The ublk queue-thread pattern: other threads signal through an eventfd whose read is re-armed each time. */
    @Test
    void everyEventfdWriteFromAnotherThreadIsCounted() throws Exception {
        int writes = 5000;
        int efd = track(Libc.eventfd(0, Libc.EFD_CLOEXEC));
        MemorySegment value = arena.allocate(JAVA_LONG);
        try (IoUring ring = IoUring.open(8, 0, IoUring.DEFAULT_OPTIONAL_FLAGS)) {
            ring.prepReadEventfd(efd, value, 1);
            ring.submit();
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < writes; i++) Libc.eventfdWrite(efd, 1);
                } catch (ErrnoException e) {
                    throw new RuntimeException(e);
                }
            });
            long[] total = {0};
            int[] wakeups = {0};
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (total[0] < writes && System.nanoTime() < deadline) {
                ring.waitCompletions(1, Duration.ofSeconds(1));
                ring.reap((u, r, f) -> {
                    assertEquals(8, r);
                    total[0] += value.get(JAVA_LONG, 0);
                    wakeups[0]++;
                    try {
                        ring.prepReadEventfd(efd, value, 1); // re-arm; submitted by the next wait
                    } catch (ErrnoException e) {
                        throw new RuntimeException(e);
                    }
                });
            }
            writer.join();
            assertEquals(writes, total[0], "sum of the eventfd counts read, over " + wakeups[0] + " wake-ups");
        }
    }

    @Test
    void badFileDescriptorCompletesWithEbadf() throws Exception {
        MemorySegment buf = arena.allocate(512);
        try (IoUring ring = IoUring.open(8, 0, IoUring.DEFAULT_OPTIONAL_FLAGS)) {
            ring.prepRead(1 << 20, buf, 512, 0, 5);
            assertEquals(List.of(new Cqe(5, -Errno.EBADF, 0)), await(ring, 1));
        }
    }

    @Test
    void uringCmdOnRegularFileCompletesWithError() throws Exception {
        int fd = track(Libc.open(dir.resolve("plain").toString(), Libc.O_RDWR | Libc.O_CREAT | Libc.O_CLOEXEC, 0600));
        try (IoUring ring = IoUring.open(8, 0, IoUring.DEFAULT_OPTIONAL_FLAGS)) {
            ring.prepUringCmd(fd, ublk_cmd_h.UBLK_U_IO_FETCH_REQ, 9);
            List<Cqe> done = await(ring, 1);
            int res = done.getFirst().res();
            assertEquals(9, done.getFirst().userData());
            assertTrue(
                    res == -Errno.EOPNOTSUPP || res == -Errno.ENOTTY || res == -Errno.EINVAL,
                    "URING_CMD on a regular file: " + res + " " + Errno.describe(res));
        }
    }

    @Test
    void sqe128AndCqe32RingCarriesA32ByteControlCommand() throws Exception {
        int fd = track(Libc.open(dir.resolve("ctl").toString(), Libc.O_RDWR | Libc.O_CREAT | Libc.O_CLOEXEC, 0600));
        try (IoUring ring = IoUring.open(4, IORING_SETUP_SQE128 | IORING_SETUP_CQE32, IoUring.DEFAULT_OPTIONAL_FLAGS)) {
            assertTrue((ring.setupFlags() & (IORING_SETUP_SQE128 | IORING_SETUP_CQE32))
                    == (IORING_SETUP_SQE128 | IORING_SETUP_CQE32));
            assertEquals(128, ring.sqeSize());
            assertEquals(32, ring.cqeSize());
            assertEquals(80, ring.cmdAreaSize());

            long cmd = ring.prepUringCmd(fd, ublk_cmd_h.UBLK_U_CMD_GET_FEATURES, 11);
            MemorySegment sqes = ring.sqes();
            ublksrv_ctrl_cmd.dev_id$at(sqes, cmd, -1);
            ublksrv_ctrl_cmd.queue_id$at(sqes, cmd, (short) -1);
            ublksrv_ctrl_cmd.data$at(sqes, cmd, 0, 0x1122334455667788L);
            ublksrv_ctrl_cmd.reserved$at(sqes, cmd, 0x0abbccdd);
            long sqe = cmd - io_uring_sqe.cmd$OFFSET;
            // the raw bytes land where the kernel reads them: opcode 0, cmd_op 8, ctrl cmd at 48 .. 80
            assertEquals(IORING_OP_URING_CMD, sqes.get(JAVA_BYTE, sqe));
            assertEquals(ublk_cmd_h.UBLK_U_CMD_GET_FEATURES, sqes.get(java.lang.foreign.ValueLayout.JAVA_INT, sqe + 8));
            assertEquals(0x1122334455667788L, sqes.get(JAVA_LONG, sqe + 48 + 16));
            assertEquals(0x0abbccdd, sqes.get(java.lang.foreign.ValueLayout.JAVA_INT, sqe + 48 + 28));

            ring.prepNop(12);
            List<long[]> big = new ArrayList<>();
            List<Cqe> done = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (done.size() < 2 && System.nanoTime() < deadline) {
                ring.waitCompletions(2 - done.size(), WAIT);
                ring.reap((u, r, f) -> {
                    done.add(new Cqe(u, r, f));
                    big.add(new long[] {ring.bigCqe(0), ring.bigCqe(1)});
                });
            }
            assertEquals(2, done.size(), done.toString());
            assertTrue(done.contains(new Cqe(12, 0, 0)), done.toString());
            Cqe cmdDone =
                    done.stream().filter(c -> c.userData() == 11).findFirst().orElseThrow();
            assertTrue(cmdDone.res() < 0, "a ublk command on a regular file must fail: " + cmdDone);
            assertEquals(0, big.get(done.indexOf(new Cqe(12, 0, 0)))[0]);
            assertThrows(IllegalStateException.class, () -> ring.bigCqe(0), "outside a handler");
        }
    }

    @Test
    void waitWithTimeoutReturnsWhenNothingCompletes() throws Exception {
        int efd = track(Libc.eventfd(0, Libc.EFD_CLOEXEC));
        MemorySegment value = arena.allocate(JAVA_LONG);
        try (IoUring ring = IoUring.open(8, 0, IoUring.DEFAULT_OPTIONAL_FLAGS)) {
            ring.prepReadEventfd(efd, value, 1); // never written
            long t0 = System.nanoTime();
            assertEquals(0, ring.waitCompletions(1, Duration.ofMillis(250)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 240 && ms < 2000, "waited " + ms + " ms for a 250 ms timeout");
            assertEquals(0, ring.pending(), "the wait submitted the pending SQE");
            assertEquals(0, ring.waitCompletions(1, Duration.ZERO));
        }
    }

    @Test
    void closeTwiceIsHarmlessAndUseAfterCloseFails() throws Exception {
        IoUring ring = IoUring.open(8, 0, IoUring.DEFAULT_OPTIONAL_FLAGS);
        int fd = ring.fd();
        ring.close();
        ring.close();
        assertThrows(IllegalStateException.class, () -> ring.prepNop(1));
        ErrnoException e = assertThrows(ErrnoException.class, () -> Libc.close(fd));
        assertEquals(Errno.EBADF, e.errno(), "the ring fd is closed");
    }

    @Test
    void refusedOptionalFlagIsDroppedAndRequiredOneFails() throws Exception {
        int bogus = 1 << 30; // no kernel knows it: EINVAL
        try (IoUring ring = IoUring.open(8, 0, bogus | IoUring.DEFAULT_OPTIONAL_FLAGS)) {
            assertEquals(0, ring.setupFlags() & bogus);
            ring.prepNop(3);
            assertEquals(List.of(new Cqe(3, 0, 0)), await(ring, 1));
        }
        ErrnoException e = assertThrows(ErrnoException.class, () -> IoUring.open(8, bogus, 0));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().startsWith("io_uring_setup(8, 1<<30)"), e.getMessage());
    }
}
