package dev.ublks3.ublk;

import static dev.ublks3.linux.ublk_cmd_h.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.ublks3.linux.Libc;
import java.lang.foreign.Arena;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The per-tag request object and the cross-thread completion path, without a kernel (no thread is started). */
class UblkIoTest {
    private Arena arena;
    private UblkQueue queue;
    private UblkIo io;

    @BeforeEach
    void setUp() throws Exception {
        arena = Arena.ofShared();
        // device 0: depth 4, 64 KiB requests, ioctl-encoded commands; queue 1, no char device
        var device = new UblkDevInfo(2, 4, UBLK_S_DEV_DEAD, 1 << 16, 0, 0, UBLK_F_CMD_IOCTL_ENCODE, 0, 0, 0);
        queue = new UblkQueue(device, 1, -1, UblkIo::completeOk);
        io = new UblkIo(queue, 2, arena.allocate(1 << 16, 4096));
    }

    @AfterEach
    void tearDown() {
        queue.close();
        arena.close();
    }

    @Test
    void describesTheRequest() {
        io.start(UblkOp.WRITE, UBLK_IO_OP_WRITE | UBLK_IO_F_FUA, 8, 16);
        assertEquals(UblkOp.WRITE, io.op());
        assertEquals(4096, io.offset());
        assertEquals(8192, io.length());
        assertTrue(io.fua());
        assertFalse(io.noUnmap());
        assertEquals(1, io.queueId());
        assertEquals(2, io.tag());
        assertEquals(0, io.buffer().position());
        assertEquals(8192, io.buffer().limit());
        assertSame(io.buffer(), io.buffer(), "one ByteBuffer per tag");
        assertEquals(1 << 16, io.segment().byteSize());

        io.start(UblkOp.WRITE_ZEROES, UBLK_IO_OP_WRITE_ZEROES | UBLK_IO_F_NOUNMAP, 100, 8);
        assertTrue(io.noUnmap());
        assertFalse(io.fua());
        assertEquals(0, io.buffer().limit(), "no data for write-zeroes");

        io.start(UblkOp.FLUSH, UBLK_IO_OP_FLUSH, -1L >>> 9, 0); // the block layer's "no sector"
        assertEquals(0, io.offset());
        assertEquals(0, io.length());
    }

    @Test
    void completionFromAnotherThreadGoesThroughTheTagQueueAndWakesOnce() throws Exception {
        io.start(UblkOp.READ, UBLK_IO_OP_READ, 0, 8);
        queue.armWakeup(); // the queue thread is about to sleep
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                io.completeOk();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.join();
        assertNull(failure.get());
        assertEquals(4096, io.result, "READ completes with its byte count");
        assertEquals(2, queue.completions().poll());
        assertTrue(queue.completions().isEmpty());
        assertEquals(1, Libc.eventfdRead(queue.eventFd()), "one eventfd write for the armed sleeper");

        // not armed (the queue thread is awake): no eventfd write
        io.reset();
        io.start(UblkOp.DISCARD, UBLK_IO_OP_DISCARD, 0, 8);
        Thread u = Thread.ofPlatform().start(io::completeOk);
        u.join();
        assertEquals(0, io.result, "DISCARD completes with 0");
        assertEquals(2, queue.completions().poll());
        Libc.eventfdWrite(queue.eventFd(), 1);
        assertEquals(1, Libc.eventfdRead(queue.eventFd()), "the completion itself did not write the eventfd");
    }

    @Test
    void descriptorMappingUsesTheKernelsPageSize() {
        assertEquals(1, Long.bitCount(UblkQueue.PAGE_SIZE));
        assertTrue(UblkQueue.PAGE_SIZE >= 4096);
    }

    @Test
    void completesExactlyOnce() {
        IllegalStateException idle = assertThrows(IllegalStateException.class, () -> io.complete(0));
        assertEquals("ublk queue 1 tag 2: no request in flight", idle.getMessage());
        io.start(UblkOp.WRITE, UBLK_IO_OP_WRITE, 0, 8);
        assertTrue(io.inFlight());
        io.complete(-5);
        assertFalse(io.inFlight());
        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> io.complete(4096));
        assertEquals("ublk queue 1 tag 2: request completed twice", twice.getMessage());
        assertEquals(-5, io.result, "the first result stands");
        assertFalse(io.tryComplete(-5));
    }
}
