package dev.ublks3.ublk.tool;

import dev.ublks3.linux.Libc;
import dev.ublks3.ublk.UblkIo;
import dev.ublks3.ublk.UblkTarget;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A device held in memory (an anonymous mapping, so untouched parts cost nothing). Synchronous by default; with
 * {@code async}, requests of odd tags are served by two worker threads and complete from them (the path an S3
 * client's callbacks take: a lock-free queue and an eventfd back to the queue thread), even tags inline. Each
 * (queue, tag) has one reusable task object and the hand-off is an ArrayBlockingQueue (no node per offer), so
 * nothing is allocated per request on the queue threads: what they allocate is the driver's.
 */
public final class RamdiskTarget implements UblkTarget, AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment data;
    private final ArrayBlockingQueue<Task> work; // null when synchronous
    private final List<Thread> workers = new ArrayList<>();
    private final Task[][] tasks;
    private final AtomicLong asyncCompletions = new AtomicLong();
    private final long failAt; // requests covering this byte fail with EIO; -1 = none

    public RamdiskTarget(long sizeBytes, boolean async, int queues, int depth) throws IOException {
        this(sizeBytes, async, queues, depth, -1, null);
    }

    /**
     * As above; reads and writes covering byte {@code failAt} complete with -EIO (the error path, end to end).
     * With a {@code backing} file the data lives in it (a shared mapping), so it outlives the process: a server
     * killed and recovered finds its data again.
     */
    @SuppressWarnings("restricted") // the mapping lives as long as the arena
    public RamdiskTarget(long sizeBytes, boolean async, int queues, int depth, long failAt, Path backing)
            throws IOException {
        this.failAt = failAt;
        if (backing != null) {
            try (FileChannel ch = FileChannel.open(
                    backing, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                if (ch.size() < sizeBytes) ch.write(java.nio.ByteBuffer.allocate(1), sizeBytes - 1); // grow, sparse
                this.data = ch.map(FileChannel.MapMode.READ_WRITE, 0, sizeBytes, arena);
            }
        } else {
            this.data = Libc.mmap(
                            sizeBytes, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0)
                    .reinterpret(arena, Libc::munmapQuietly);
        }
        this.tasks = new Task[queues][depth];
        for (int q = 0; q < queues; q++) {
            for (int t = 0; t < depth; t++) tasks[q][t] = new Task();
        }
        this.work = async ? new ArrayBlockingQueue<>(queues * depth) : null; // one entry per tag at most: never full
        if (async) {
            for (int i = 0; i < 2; i++)
                workers.add(Thread.ofPlatform().daemon().name("ramdisk-io-" + i).start(this::work));
        }
    }

    /** Requests completed from an executor thread. */
    public long asyncCompletions() {
        return asyncCompletions.get();
    }

    @Override
    public void handle(UblkIo io) {
        if (work != null && (io.tag() & 1) == 1) {
            Task task = tasks[io.queueId()][io.tag()];
            task.io = io;
            work.add(task);
        } else {
            serve(io);
        }
    }

    private void serve(UblkIo io) {
        long off = io.offset();
        int len = io.length();
        if (off < 0
                || off + len > data.byteSize()
                || (io.op().transfersData() && failAt >= off && failAt < off + len)) {
            io.complete(-5); // EIO: beyond the end, or the injected bad block
            return;
        }
        switch (io.op()) {
            case READ -> MemorySegment.copy(data, off, io.segment(), 0, len);
            case WRITE -> MemorySegment.copy(io.segment(), 0, data, off, len);
            case DISCARD, WRITE_ZEROES -> data.asSlice(off, len).fill((byte) 0);
            case FLUSH -> {
                if (data.isMapped()) data.force(); // a file-backed disk: written pages reach the file
            }
        }
        io.completeOk();
    }

    private void work() {
        try {
            for (; ; ) work.take().run();
        } catch (InterruptedException e) {
            // closed
        }
    }

    private final class Task implements Runnable {
        UblkIo io; // set by the queue thread before add(): the blocking queue publishes it

        @Override
        public void run() {
            UblkIo current = io;
            serve(current);
            asyncCompletions.incrementAndGet();
        }
    }

    @Override
    public void close() {
        for (Thread t : workers) t.interrupt();
        arena.close();
    }
}
