package dev.ublks3.storage.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The cache layer's threads: blocking cache-file work (reads and writes of slots, WAL appends and syncs) runs
 * here, never on the thread that issued the I/O or completed a store request.
 */
final class CacheThreads {

    private final ExecutorService io = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "ublk-s3-cache");
        t.setDaemon(true);
        return t;
    });

    /** Runs {@code work} here; an IOException fails the result (as an UncheckedIOException). */
    <T> CompletableFuture<T> async(IoWork<T> work) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return work.run();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                io);
    }

    void execute(Runnable task) {
        io.execute(task);
    }

    /** Takes no more work and waits up to 10 s for the work taken. */
    void shutdown() throws InterruptedException {
        io.shutdown();
        io.awaitTermination(10, TimeUnit.SECONDS);
    }

    @FunctionalInterface
    interface IoWork<T> {
        T run() throws IOException;
    }
}
