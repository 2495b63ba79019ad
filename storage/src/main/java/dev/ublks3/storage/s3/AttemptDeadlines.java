package dev.ublks3.storage.s3;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deadlines of the attempts {@link S3ObjectStore} has handed to the CRT: an attempt {@link #start}s its
 * deadline when it is handed over and {@link Deadline#cancel}s it when it completes; one daemon thread looks at the
 * pending deadlines every {@link #tickNanos()} and runs the expiry of each one past its time, once.
 *
 * <p>Why not one scheduled task per attempt: a task that becomes the head of a {@link ScheduledThreadPoolExecutor}'s
 * queue wakes its thread, and with one request at a time every attempt's task is the head, so every request woke a
 * thread (a context switch and a slice of a CPU, taken from the request's own threads on a small machine). Here
 * starting and cancelling a deadline is an insertion into and a removal from a concurrent set, and the thread wakes
 * once per tick whatever the request rate. The price is precision: an expiry runs up to one tick after its
 * deadline (a tick is an eighth of the timeout, at most a second).
 */
final class AttemptDeadlines implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AttemptDeadlines.class);
    private static final long MAX_TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** A started deadline; {@link #cancel} it when the attempt completes. */
    final class Deadline {
        private final long dueNanos;
        private final Runnable expiry;

        private Deadline(long dueNanos, Runnable expiry) {
            this.dueNanos = dueNanos;
            this.expiry = expiry;
        }

        /** The attempt completed: its expiry will not run (unless it has already started). */
        void cancel() {
            pending.remove(this);
        }
    }

    private final Set<Deadline> pending = ConcurrentHashMap.newKeySet();
    private final long timeoutNanos;
    private final long tickNanos;
    private final LongSupplier nanoClock;
    private final ScheduledThreadPoolExecutor ticker;

    /** Deadlines {@code timeout} after their start, checked by a daemon thread named {@code threadName}. */
    AttemptDeadlines(Duration timeout, String threadName) {
        this(timeout, threadName, System::nanoTime, true);
    }

    /** For tests: {@code tick == false} starts no thread ({@link #expireDue()} is then called by hand). */
    AttemptDeadlines(Duration timeout, String threadName, LongSupplier nanoClock, boolean tick) {
        this.timeoutNanos = timeout.toNanos();
        this.tickNanos = Math.max(1, Math.min(MAX_TICK_NANOS, timeoutNanos / 8));
        this.nanoClock = nanoClock;
        if (tick) {
            ticker = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, threadName);
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleAtFixedRate(this::expireDue, tickNanos, tickNanos, TimeUnit.NANOSECONDS);
        } else {
            ticker = null;
        }
    }

    /** How often pending deadlines are checked: the most an expiry runs late. */
    long tickNanos() {
        return tickNanos;
    }

    /** Starts a deadline of the timeout from now; {@code expiry} runs once it has passed, unless cancelled first. */
    Deadline start(Runnable expiry) {
        Deadline deadline = new Deadline(nanoClock.getAsLong() + timeoutNanos, expiry);
        pending.add(deadline);
        return deadline;
    }

    /** Deadlines started and neither cancelled nor expired. */
    int pending() {
        return pending.size();
    }

    /** Runs the expiry of every pending deadline that has passed (each once: the one that removes it runs it). */
    void expireDue() {
        long now = nanoClock.getAsLong();
        for (Deadline deadline : pending) {
            if (now - deadline.dueNanos >= 0 && pending.remove(deadline)) {
                try {
                    deadline.expiry.run();
                } catch (RuntimeException e) {
                    // the next deadlines must still expire: a periodic task that throws is never run again
                    LOG.error("an attempt's expiry failed", e);
                }
            }
        }
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }
}
