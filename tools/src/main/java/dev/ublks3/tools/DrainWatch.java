package dev.ublks3.tools;

import dev.ublks3.storage.cache.CachedBlockDevice;
import dev.ublks3.storage.cache.CachedBlockDevice.DrainProgress;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Drains a device's cache (everything dirty at the call into the store) for {@code sync} and {@code del}, telling
 * what is left about once a {@code interval}, until it is done or one of these ends the wait:
 * <ul>
 *   <li>a deadline ({@code sync --timeout});</li>
 *   <li>a stall: nothing uploaded for longer than {@code stallLimit} (the device's retry time) while uploads
 *       failed meanwhile. Both are needed: an upload fails only after the store refused it for the whole retry
 *       time, and on a slow link a large object may well take longer than that to upload without any failure;</li>
 *   <li>the server stopping (a signal, or {@code del --keep-dirty}), which closes the cache under the drain.</li>
 * </ul>
 * The uploads go on after a wait ends: the cache keeps uploading in the background (writeback).
 */
final class DrainWatch {

    /** How a wait ended. */
    sealed interface Outcome {}

    /** Everything dirty at the call is in the store. */
    record Done() implements Outcome {}

    /** The deadline passed with {@code left} still to upload. */
    record TimedOut(DrainProgress left) implements Outcome {}

    /** Nothing was uploaded for longer than the stall limit, and uploads failed meanwhile. */
    record Stalled(DrainProgress left) implements Outcome {}

    /** The server began to stop. */
    record Stopped(DrainProgress left) implements Outcome {}

    private final CachedBlockDevice cache;
    private final Duration interval;
    private final BooleanSupplier stopping;

    DrainWatch(CachedBlockDevice cache, Duration interval, BooleanSupplier stopping) {
        this.cache = cache;
        this.interval = interval;
        this.stopping = stopping;
    }

    /**
     * Starts a drain and waits for it; {@code progress} gets what is left at the start and after each interval.
     *
     * @param timeout    how long to wait at most, or null for as long as it takes
     * @param stallLimit how long nothing may be uploaded while uploads fail, or null for no limit
     */
    Outcome await(Duration timeout, Duration stallLimit, Consumer<DrainProgress> progress) throws InterruptedException {
        long start = System.nanoTime();
        CachedBlockDevice.Drain drain = cache.drain();
        DrainProgress last = drain.progress();
        long lastChange = start;
        long failuresAtChange = cache.stats().uploadFailures();
        progress.accept(last);
        for (; ; ) {
            long now = System.nanoTime();
            long wait = interval.toNanos();
            if (timeout != null) {
                wait = Math.max(0, Math.min(wait, start + timeout.toNanos() - now));
            }
            try {
                drain.done().get(wait, TimeUnit.NANOSECONDS);
                return new Done();
            } catch (TimeoutException e) {
                // not yet: see below
            } catch (ExecutionException e) {
                throw new IllegalStateException("the cache's drain failed: " + ControlSocket.oneLine(e.getCause()), e);
            }
            now = System.nanoTime();
            DrainProgress left = drain.progress();
            if (left.objects() < last.objects()) {
                last = left;
                lastChange = now;
                failuresAtChange = cache.stats().uploadFailures();
            }
            if (stopping.getAsBoolean()) {
                return new Stopped(left);
            }
            if (timeout != null && now - start >= timeout.toNanos()) {
                return new TimedOut(left);
            }
            if (stallLimit != null
                    && now - lastChange > stallLimit.toNanos()
                    && cache.stats().uploadFailures() > failuresAtChange) {
                return new Stalled(left);
            }
            progress.accept(left);
        }
    }
}
