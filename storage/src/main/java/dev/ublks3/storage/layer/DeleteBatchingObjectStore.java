package dev.ublks3.storage.layer;

import dev.ublks3.storage.ObjectStore;
import dev.ublks3.storage.ObjectStoreLayer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;

/**
 * Deletes that arrive while a delete request is in flight wait for it and then go together as one DeleteObjects
 * (up to {@link ObjectStore#MAX_DELETE_KEYS} keys): group commit for deletes.
 *
 * <p>Why: the kernel splits write-zeroes at chunk_sectors (one object), so zeroing 64 MiB of a 64 KiB-object
 * device arrives as 1024 one-object requests; mkfs.ext4's journal alone cost 1024 DELETEs without this layer.
 * No timer: the first delete goes at once, the ones that queue behind it share the next request. Each caller's
 * future completes when its own keys are deleted. If a batch fails, its keys are retried one caller at a time, so
 * a failure reaches only the callers whose keys fail.
 */
public final class DeleteBatchingObjectStore extends ObjectStoreLayer {

    private record Pending(List<String> keys, CompletableFuture<Void> done) {
    }

    private final Queue<Pending> queue = new ArrayDeque<>();
    private boolean sending; // guarded by queue

    public DeleteBatchingObjectStore(ObjectStore next) {
        super(next);
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
            return next.deleteObjects(keys); // the store refuses it with its own message
        }
        Pending pending = new Pending(keys, new CompletableFuture<>());
        synchronized (queue) {
            queue.add(pending);
            if (sending) {
                return pending.done();
            }
            sending = true;
        }
        sendNext();
        return pending.done();
    }

    /** Sends what is queued (up to one request's worth); runs again when that request ends, until the queue is empty. */
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
                sending = false;
                return;
            }
        }
        CompletableFuture<Void> request;
        try {
            request = keys.size() == 1 ? next.delete(keys.getFirst()) : next.deleteObjects(List.copyOf(keys));
        } catch (RuntimeException e) {
            request = CompletableFuture.failedFuture(e);
        }
        request.whenComplete((ignored, error) -> {
            if (error == null || batch.size() == 1) {
                for (Pending p : batch) {
                    if (error == null) {
                        p.done().complete(null);
                    } else {
                        p.done().completeExceptionally(error);
                    }
                }
            } else {
                for (Pending p : batch) { // someone's key failed: find whose, without failing the others
                    CompletableFuture<Void> alone = p.keys().size() == 1 ? next.delete(p.keys().getFirst())
                            : next.deleteObjects(p.keys());
                    alone.whenComplete((v, e) -> {
                        if (e == null) {
                            p.done().complete(null);
                        } else {
                            p.done().completeExceptionally(e);
                        }
                    });
                }
            }
            sendNext();
        });
    }
}
