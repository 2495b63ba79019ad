package dev.ublks3.storage.layer;

import dev.ublks3.storage.Futures;
import dev.ublks3.storage.ObjectStore;
import dev.ublks3.storage.ObjectStoreLayer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;

/**
 * Group commit for deletes: while fewer than {@code maxBatches} delete requests are in flight a delete goes at once;
 * past that, deletes queue and go together as one DeleteObjects (up to {@link ObjectStore#MAX_DELETE_KEYS} keys)
 * when a request ends.
 *
 * <p>Why batch: the kernel splits write-zeroes at chunk_sectors (one object), so zeroing 64 MiB of a 64 KiB-object
 * device arrives as 1024 one-object requests; mkfs.ext4's journal alone cost 1024 DELETEs without this layer. No
 * timer: the first deletes go at once, the ones that queue behind them share the next requests. Why several in
 * flight: a request that retries (for up to the retry time) must not hold back every other trim of the device, and
 * with them the reads and writes waiting for those trims; it holds one of the slots, the others go on.
 *
 * <p>Each caller's future completes when its own keys are deleted. If a batch fails, its keys are retried one
 * request per caller, so a failure reaches only the callers whose keys fail; the batch's slot is held until every
 * one of its callers has its answer.
 */
public final class DeleteBatchingObjectStore extends ObjectStoreLayer {

    /**
     * Requests in flight by default. Four: a burst of one-object deletes costs three requests more than with one
     * (1024 of them: four DELETEs and two DeleteObjects), and one request that retries leaves three to the rest.
     */
    public static final int DEFAULT_MAX_BATCHES = 4;

    private record Pending(List<String> keys, CompletableFuture<Void> done) {}

    private final int maxBatches;
    private final Queue<Pending> queue = new ArrayDeque<>();
    private int inFlight; // batches sent whose callers are not all answered; guarded by queue

    public DeleteBatchingObjectStore(ObjectStore next) {
        this(next, DEFAULT_MAX_BATCHES);
    }

    /** @param maxBatches delete requests in flight at most (at least 1) */
    public DeleteBatchingObjectStore(ObjectStore next, int maxBatches) {
        super(next);
        if (maxBatches < 1) {
            throw new IllegalArgumentException("maxBatches " + maxBatches + " must be at least 1");
        }
        this.maxBatches = maxBatches;
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
        return enqueue(List.of(key));
    }

    @Override
    public CompletableFuture<Void> deleteObjects(List<String> keys) {
        return keys.isEmpty() ? CompletableFuture.completedFuture(null) : enqueue(List.copyOf(keys));
    }

    private CompletableFuture<Void> enqueue(List<String> keys) {
        if (keys.size() > MAX_DELETE_KEYS) {
            return request(keys); // the store refuses it with its own message
        }
        Pending pending = new Pending(keys, new CompletableFuture<>());
        synchronized (queue) {
            queue.add(pending);
            if (inFlight >= maxBatches) {
                return pending.done(); // a batch in flight sends it when it ends
            }
            inFlight++;
        }
        sendNext();
        return pending.done();
    }

    /**
     * Holding a slot, sends what is queued (up to one request's worth), and again when every caller of that batch
     * has its answer, until the queue is empty; then gives the slot back.
     */
    private void sendNext() {
        List<Pending> batch = new ArrayList<>();
        LinkedHashSet<String> keys = new LinkedHashSet<>();
        synchronized (queue) {
            while (!queue.isEmpty() && keys.size() + queue.peek().keys().size() <= MAX_DELETE_KEYS) {
                Pending p = queue.poll();
                batch.add(p);
                keys.addAll(p.keys());
            }
            if (batch.isEmpty()) {
                inFlight--;
                return;
            }
        }
        request(List.copyOf(keys))
                .handle((ignored, error) -> answer(batch, error))
                .thenCompose(answered -> answered)
                .whenComplete((ignored, error) -> sendNext());
    }

    /** Completes the batch's callers; when it failed and had several, after asking the store for each one's keys. */
    private CompletableFuture<Void> answer(List<Pending> batch, Throwable error) {
        if (error == null || batch.size() == 1) {
            batch.forEach(p -> settle(p, error));
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<Void>> alone = new ArrayList<>(batch.size());
        for (Pending p : batch) { // someone's key failed: find whose, without failing the others
            alone.add(request(p.keys()).handle((ignored, e) -> settle(p, e)));
        }
        return CompletableFuture.allOf(alone.toArray(CompletableFuture[]::new));
    }

    private static Void settle(Pending p, Throwable error) {
        if (error == null) {
            p.done().complete(null);
        } else {
            p.done().completeExceptionally(error);
        }
        return null;
    }

    /** One request to the store; a store that throws instead of failing its future fails only this request. */
    private CompletableFuture<Void> request(List<String> keys) {
        return Futures.call(() -> keys.size() == 1 ? next.delete(keys.getFirst()) : next.deleteObjects(keys));
    }
}
