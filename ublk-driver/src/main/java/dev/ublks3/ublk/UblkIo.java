package dev.ublks3.ublk;

import static dev.ublks3.linux.ublk_cmd_h.*;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * One request of one tag, handed to {@link UblkTarget#handle}. There is one {@code UblkIo} per (queue, tag),
 * created when the queue starts and reused for every request of that tag: no object is allocated per request.
 * The accessors describe the current request; {@link #complete} ends it (exactly once, from any thread), after
 * which the driver reuses this object for the tag's next request. See {@link UblkTarget} for the threading contract.
 */
public final class UblkIo {
    private static final int IDLE = 0, IN_FLIGHT = 1, COMPLETED = 2;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(UblkIo.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final UblkQueue queue;
    private final int tag;
    private final MemorySegment buffer; // the tag's whole buffer (max_io_buf_bytes)
    private final ByteBuffer byteBuffer; // a view of it, re-limited per request

    private UblkOp op;
    private int opFlags;
    private long offset;
    private int length;
    private volatile int state;
    int result; // written before the tag is published to the queue thread (or on it)
    long dispatchedNanos; // on the queue thread, before the target has it
    long completedNanos; // as result: written before the tag is published

    UblkIo(UblkQueue queue, int tag, MemorySegment buffer) {
        this.queue = queue;
        this.tag = tag;
        this.buffer = buffer;
        this.byteBuffer = buffer.asByteBuffer();
    }

    /** Called on the queue thread before handing the request to the target. */
    void start(UblkOp op, int opFlags, long startSector, int nrSectors) {
        this.op = op;
        this.opFlags = opFlags;
        // a flush request's sector is the block layer's "none" ((sector_t)-1): report 0 and 0
        boolean flush = op == UblkOp.FLUSH;
        this.offset = flush ? 0 : startSector << 9;
        this.length = flush ? 0 : nrSectors << 9;
        byteBuffer.clear().limit(op.transfersData() ? length : 0);
        STATE.setRelease(this, IN_FLIGHT);
    }

    /** Called on the queue thread once the result is committed: the object is free for the next request. */
    void reset() {
        STATE.setRelease(this, IDLE);
    }

    /** The operation. */
    public UblkOp op() {
        return op;
    }

    /** Byte offset on the device (the kernel's start_sector × 512); 0 for FLUSH. */
    public long offset() {
        return offset;
    }

    /** Bytes concerned (nr_sectors × 512): transferred for READ/WRITE, the range for DISCARD/WRITE_ZEROES, 0 for FLUSH. */
    public int length() {
        return length;
    }

    /** REQ_FUA: the written data must be on stable storage before this request completes. */
    public boolean fua() {
        return (opFlags & UBLK_IO_F_FUA) != 0;
    }

    /** REQ_NOUNMAP on WRITE_ZEROES: the range must stay allocated (do not deallocate it to make it read zero). */
    public boolean noUnmap() {
        return (opFlags & UBLK_IO_F_NOUNMAP) != 0;
    }

    /** The raw {@code op_flags} of the descriptor (UBLK_IO_F_* bits above the op). */
    public int opFlags() {
        return opFlags;
    }

    /**
     * The request's data: position 0, limit {@link #length()} for READ (fill it) and WRITE (the data to store),
     * limit 0 for the other ops. The same ByteBuffer object for every request of this tag; its position and limit
     * are reset for each request.
     */
    public ByteBuffer buffer() {
        return byteBuffer;
    }

    /** The tag's whole buffer as a native segment (its first {@link #length()} bytes are the request's data). */
    public MemorySegment segment() {
        return buffer;
    }

    /** The hardware queue the request came on. */
    public int queueId() {
        return queue.queueId();
    }

    /** The request's tag within its queue (0 .. depth-1). */
    public int tag() {
        return tag;
    }

    /**
     * Ends the request with {@code result}: bytes transferred for READ/WRITE, 0 for FLUSH/DISCARD/WRITE_ZEROES, or
     * a negative errno (e.g. -5 for EIO). Callable from any thread, exactly once per request.
     *
     * @throws IllegalStateException when the request was already completed
     */
    public void complete(int result) {
        if (!STATE.compareAndSet(this, IN_FLIGHT, COMPLETED)) {
            throw new IllegalStateException("ublk queue " + queueId() + " tag " + tag + ": "
                    + (state == IDLE ? "no request in flight" : "request completed twice"));
        }
        this.result = result;
        this.completedNanos = System.nanoTime();
        queue.completed(this);
    }

    /** Completes unless already completed; true when this call completed it (the driver's own error path). */
    boolean tryComplete(int result) {
        if (!STATE.compareAndSet(this, IN_FLIGHT, COMPLETED)) return false;
        this.result = result;
        this.completedNanos = System.nanoTime();
        queue.completed(this);
        return true;
    }

    /** Completes with success: {@link #length()} for READ/WRITE, 0 for the other ops. */
    public void completeOk() {
        complete(op.transfersData() ? length : 0);
    }

    /** True from {@link UblkTarget#handle} until {@link #complete}. */
    public boolean inFlight() {
        return state == IN_FLIGHT;
    }

    @Override
    public String toString() {
        return "UblkIo[q " + queueId() + " tag " + tag + " " + op + " offset " + offset + " length " + length
                + (fua() ? " FUA" : "") + (noUnmap() ? " NOUNMAP" : "") + "]";
    }
}
