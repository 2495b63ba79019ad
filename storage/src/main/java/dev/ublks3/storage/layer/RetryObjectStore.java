package dev.ublks3.storage.layer;

import dev.ublks3.storage.Futures;
import dev.ublks3.storage.ObjectStore;
import dev.ublks3.storage.ObjectStoreLayer;
import dev.ublks3.storage.StoreException;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries store calls that failed with a {@link StoreException} whose {@link StoreException.Kind#retryable() kind
 * is retryable} (5xx, throttling, connection, timeout, stale credentials, a body damaged in transit; not a corrupt
 * object: the same bytes would come back), with exponential backoff and full jitter, as {@link RetryPolicy} bounds
 * it. Anything else fails at once, unchanged. The retry time counts from the first failure, not from the first
 * attempt's start: an attempt that ran long and then timed out has spent none of it, and a retry is started while
 * any of it is left (its wait cut to what is left), so no request fails before its retry time is spent. Like
 * nbdkit's retry filter it logs the original error before each retry and keeps per-request
 * state on the request (here: in one small object per call), but it does not serialize requests: each call
 * backs off on its own, on the {@link Scheduler}, without holding a thread.
 *
 * <p>When it gives up, the error names the attempts made and carries the first error's message (the one that
 * started the trouble; later ones are often just its echo), with the first error as cause and the last one
 * suppressed. An error after a single attempt (nothing retried) surfaces as it came.
 */
public final class RetryObjectStore extends ObjectStoreLayer {

    private static final Logger log = LoggerFactory.getLogger(RetryObjectStore.class);

    private final RetryPolicy policy;
    private final Scheduler scheduler;
    private final DoubleSupplier random;
    private final Map<StoreCall, LongAdder> retries = new EnumMap<>(StoreCall.class);

    public RetryObjectStore(ObjectStore next, RetryPolicy policy) {
        this(next, policy, Scheduler.system());
    }

    public RetryObjectStore(ObjectStore next, RetryPolicy policy, Scheduler scheduler) {
        this(next, policy, scheduler, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** @param random uniform in [0, 1): scales each backoff ceiling (full jitter) */
    public RetryObjectStore(ObjectStore next, RetryPolicy policy, Scheduler scheduler, DoubleSupplier random) {
        super(next);
        this.policy = policy;
        this.scheduler = scheduler;
        this.random = random;
        for (StoreCall call : StoreCall.values()) {
            retries.put(call, new LongAdder());
        }
    }

    public RetryPolicy policy() {
        return policy;
    }

    /** Retries started so far for this kind of call (attempts beyond the first). */
    public long retries(StoreCall call) {
        return retries.get(call).sum();
    }

    @Override
    public CompletableFuture<ReadOutcome> get(String key, long offset, ByteBuffer into) {
        int position = into.position();
        // each attempt writes from the same place, whatever a failed attempt did to the position
        return retrying(StoreCall.GET, key, () -> next.get(key, offset, into.position(position)));
    }

    @Override
    public CompletableFuture<Void> put(String key, ByteBuffer data) {
        int position = data.position();
        return retrying(StoreCall.PUT, key, () -> next.put(key, data.position(position)));
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
        return retrying(StoreCall.DELETE, key, () -> next.delete(key));
    }

    @Override
    public CompletableFuture<Void> deleteObjects(List<String> keys) {
        String what = keys.isEmpty() ? null : keys.getFirst() + " (+" + (keys.size() - 1) + ")";
        return retrying(StoreCall.DELETE_BATCH, what, () -> next.deleteObjects(keys));
    }

    @Override
    public CompletableFuture<ListPage> list(String prefix, String startAfter, String continuationToken, int maxKeys) {
        return retrying(StoreCall.LIST, prefix, () -> next.list(prefix, startAfter, continuationToken, maxKeys));
    }

    private <T> CompletableFuture<T> retrying(StoreCall call, String key, Supplier<CompletableFuture<T>> attempt) {
        Request<T> request = new Request<>(call, key, attempt);
        request.attempt();
        return request.result;
    }

    /** One call's retry state: lives as long as the call. */
    private final class Request<T> {
        final StoreCall call;
        final String key;
        final Supplier<CompletableFuture<T>> attempt;
        final CompletableFuture<T> result = new CompletableFuture<>();
        int attempts;
        StoreException first;
        /** When the first retryable failure came: the retry time counts from here. */
        long firstFailureNanos;

        Request(StoreCall call, String key, Supplier<CompletableFuture<T>> attempt) {
            this.call = call;
            this.key = key;
            this.attempt = attempt;
        }

        void attempt() {
            attempts++;
            Futures.call(attempt).whenComplete((value, error) -> {
                if (error == null) {
                    result.complete(value);
                } else {
                    failed(Futures.unwrap(error));
                }
            });
        }

        void failed(Throwable error) {
            if (!(error instanceof StoreException e) || !e.retryable()) {
                result.completeExceptionally(first == null ? error : giveUp(error, "failed"));
                return;
            }
            if (first == null) {
                first = e;
                firstFailureNanos = scheduler.nanoTime();
            }
            if (attempts >= policy.maxAttempts()) {
                result.completeExceptionally(giveUp(e, "gave up"));
                return;
            }
            long left = policy.maxTotal().toNanos() - (scheduler.nanoTime() - firstFailureNanos);
            if (left <= 0) {
                result.completeExceptionally(giveUp(e, "gave up (time limit " + policy.maxTotal() + ")"));
                return;
            }
            long backoff = Math.min(left, (long) (random.getAsDouble() * policy.backoffCeilingNanos(attempts)));
            log.warn(
                    "{} {}: attempt {} failed ({}: {}), retrying in {} ms ({} s of retry time left)",
                    call,
                    key,
                    attempts,
                    e.kind(),
                    e.getMessage(),
                    backoff / 1_000_000,
                    left / 1_000_000_000);
            retries.get(call).increment();
            scheduler.schedule(backoff, this::attempt);
        }

        /** The error to surface: unchanged if nothing was retried, else one naming the attempts and the first error. */
        Throwable giveUp(Throwable last, String what) {
            if (attempts == 1) {
                return last;
            }
            StoreException.Kind kind = last instanceof StoreException e ? e.kind() : StoreException.Kind.CLIENT_ERROR;
            int status = last instanceof StoreException e ? e.httpStatus() : 0;
            double seconds = (scheduler.nanoTime() - firstFailureNanos) / 1e9;
            String message = "%s %s: %s after %d attempts, %.3f s of retrying; first error: %s"
                    .formatted(call, key, what, attempts, seconds, first.getMessage());
            if (last != first) {
                message += "; last error: " + last.getMessage();
            }
            StoreException error = new StoreException(kind, call.name(), key, status, message, first);
            if (last != first) {
                error.addSuppressed(last);
            }
            return error;
        }
    }
}
