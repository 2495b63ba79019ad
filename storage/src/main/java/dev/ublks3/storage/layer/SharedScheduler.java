package dev.ublks3.storage.layer;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** The process-wide real-time {@link Scheduler}: one daemon thread, so it never keeps the JVM alive. */
final class SharedScheduler {

    static final Scheduler INSTANCE = Scheduler.of(newExecutor());

    private SharedScheduler() {}

    private static ScheduledExecutorService newExecutor() {
        return Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "ublk-s3-layer-scheduler");
            thread.setDaemon(true);
            return thread;
        });
    }
}
