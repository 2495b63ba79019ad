package dev.ublks3.storage.layer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Time for the layers that wait (retry backoff, delay, rate): a monotonic clock and a way to run a task later
 * without blocking a thread. Tests pass a manual scheduler so backoffs and delays take no real time.
 */
public interface Scheduler {

    /** Monotonic time in nanoseconds, like {@link System#nanoTime()}. */
    long nanoTime();

    /** Runs {@code task} once {@code delayNanos} have passed; at once, on the calling thread, if not positive. */
    void schedule(long delayNanos, Runnable task);

    /**
     * Real time, with the JDK's shared delay thread handing tasks to the common pool
     * ({@link CompletableFuture#delayedExecutor}): nothing to start or shut down.
     */
    static Scheduler system() {
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
                    CompletableFuture.delayedExecutor(delayNanos, TimeUnit.NANOSECONDS).execute(task);
                }
            }
        };
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
