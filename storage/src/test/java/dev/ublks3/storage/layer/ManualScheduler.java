package dev.ublks3.storage.layer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/** A scheduler whose time moves only when a test says so: backoffs and delays cost no real time. */
public final class ManualScheduler implements Scheduler {

    private record Task(long dueNanos, long sequence, Runnable action) {}

    private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) ->
            a.dueNanos != b.dueNanos ? Long.compare(a.dueNanos, b.dueNanos) : Long.compare(a.sequence, b.sequence));
    private final List<Long> delays = new ArrayList<>();
    private long now = 1_000_000_000L; // not zero, so code that mistakes zero for "unset" shows up
    private long sequence;

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public void schedule(long delayNanos, Runnable task) {
        synchronized (this) {
            delays.add(delayNanos);
            if (delayNanos > 0) {
                tasks.add(new Task(now + delayNanos, sequence++, task));
                return;
            }
        }
        task.run();
    }

    /** Moves time forward, running each task that falls due at its due time, in order. */
    public void advance(Duration by) {
        long until;
        synchronized (this) {
            until = now + by.toNanos();
        }
        while (true) {
            Task task;
            synchronized (this) {
                task = tasks.peek();
                if (task == null || task.dueNanos > until) {
                    now = until;
                    return;
                }
                tasks.poll();
                now = task.dueNanos;
            }
            task.action.run();
        }
    }

    /** Runs everything pending, however far in the future. */
    public void runAll() {
        while (true) {
            Task task;
            synchronized (this) {
                task = tasks.poll();
                if (task == null) {
                    return;
                }
                now = Math.max(now, task.dueNanos);
            }
            task.action.run();
        }
    }

    public synchronized int pending() {
        return tasks.size();
    }

    /** Every delay asked for, in order (including non-positive ones run at once). */
    public synchronized List<Long> delays() {
        return List.copyOf(delays);
    }
}
