package dev.ublks3.storage.layer;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Time for the layers that wait (retry backoff): a monotonic clock and a way to run a task later without blocking
 * a thread. Tests pass a manual scheduler so backoffs take no real time.
 */
public interface Scheduler {

    /** Monotonic time in nanoseconds, like {@link System#nanoTime()}. */
    long nanoTime();

    /** Runs {@code task} once {@code delayNanos} have passed; at once, on the calling thread, if not positive. */
    void schedule(long delayNanos, Runnable task);

    /**
     * Real time on one shared daemon thread, started on first use and never shut down. Scheduled tasks only
     * start a call or complete a future, so one thread keeps up. (Not {@code CompletableFuture.delayedExecutor}:
     * on a 2-core machine its default pool is a new thread per task.)
     */
    static Scheduler system() {
        return SharedScheduler.INSTANCE;
    }

    /** Real time on the given executor (its owner shuts it down). */
    static Scheduler of(ScheduledExecutorService executor) {
        return new Scheduler() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void schedule(long delayNanos, Runnable task) {
                if (delayNanos <= 0) {
                    task.run();
                } else {
                    executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
                }
            }
        };
    }
}
