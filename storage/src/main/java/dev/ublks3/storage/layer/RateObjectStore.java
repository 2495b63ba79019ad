package dev.ublks3.storage.layer;

import dev.ublks3.storage.ObjectStore;
import dev.ublks3.storage.ObjectStoreLayer;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * Caps bandwidth per direction, to make loopback S3 look like a slow link (e.g. 1 MB/s): one {@link TokenBucket}
 * for reads, one for writes, shared by all calls. A PUT's bytes go through the bucket first, then the PUT is
 * sent; a GET is sent, then its bytes go through the bucket before it completes (a missing object moves no
 * bytes). LIST and DELETE carry no object bytes and pass through. Nothing blocks a thread: waits are scheduled.
 */
public final class RateObjectStore extends ObjectStoreLayer {

    private final TokenBucket reads;
    private final TokenBucket writes;
    private final Scheduler scheduler;

    /** @param readBytesPerSecond 0 for no cap on reads; likewise writes. No burst: a pipe. */
    public RateObjectStore(ObjectStore next, long readBytesPerSecond, long writeBytesPerSecond) {
        this(next, readBytesPerSecond, writeBytesPerSecond, 0, Scheduler.system());
    }

    /**
     * @param readBytesPerSecond  0 for no cap on reads
     * @param writeBytesPerSecond 0 for no cap on writes
     * @param burstBytes          bytes an idle direction may send at once before the cap applies
     */
    public RateObjectStore(ObjectStore next, long readBytesPerSecond, long writeBytesPerSecond, long burstBytes,
            Scheduler scheduler) {
        super(next);
        if (readBytesPerSecond < 0 || writeBytesPerSecond < 0) {
            throw new IllegalArgumentException("rate: bytes per second must not be negative (0 = no cap)");
        }
        this.reads = readBytesPerSecond == 0 ? null : new TokenBucket(readBytesPerSecond, burstBytes);
        this.writes = writeBytesPerSecond == 0 ? null : new TokenBucket(writeBytesPerSecond, burstBytes);
        this.scheduler = scheduler;
    }

    @Override
    public CompletableFuture<ReadOutcome> get(String key, long offset, ByteBuffer into) {
        if (reads == null) {
            return next.get(key, offset, into);
        }
        long bytes = into.remaining();
        CompletableFuture<ReadOutcome> result = new CompletableFuture<>();
        CompletableFuture<ReadOutcome> sent = new CompletableFuture<>();
        Completion.forward(() -> next.get(key, offset, into), sent);
        sent.whenComplete((outcome, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else if (outcome == ReadOutcome.ABSENT) {
                result.complete(outcome);
            } else {
                long now = scheduler.nanoTime();
                scheduler.schedule(reads.reserve(bytes, now) - now, () -> result.complete(outcome));
            }
        });
        return result;
    }

    @Override
    public CompletableFuture<Void> put(String key, ByteBuffer data) {
        if (writes == null) {
            return next.put(key, data);
        }
        long now = scheduler.nanoTime();
        long done = writes.reserve(data.remaining(), now);
        CompletableFuture<Void> result = new CompletableFuture<>();
        scheduler.schedule(done - now, () -> Completion.forward(() -> next.put(key, data), result));
        return result;
    }
}
