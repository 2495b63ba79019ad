package dev.ublks3.storage.layer;

import dev.ublks3.storage.BlockDevice;
import dev.ublks3.storage.StoreException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;

/**
 * A block device that stores nothing: calls complete at once, or (with {@link #hold}) wait until the test
 * completes them, so a test clock can move while they are in flight; {@link #failNext} makes calls fail.
 */
final class FakeBlockDevice implements BlockDevice {

    private final long size;
    private final int objectSize;
    private final Deque<CompletableFuture<Void>> held = new ArrayDeque<>();
    private boolean hold;
    private int failures;

    FakeBlockDevice(long size, int objectSize) {
        this.size = size;
        this.objectSize = objectSize;
    }

    synchronized void hold(boolean hold) {
        this.hold = hold;
    }

    synchronized void failNext(int times) {
        failures += times;
    }

    /** Completes the oldest held call. */
    void completeOldest() {
        CompletableFuture<Void> future;
        synchronized (this) {
            future = held.poll();
        }
        future.complete(null);
    }

    private synchronized CompletableFuture<Void> call(String what) {
        if (failures > 0) {
            failures--;
            return CompletableFuture.failedFuture(
                    new StoreException(StoreException.Kind.SERVER_ERROR, what, null, "scripted " + what + " failure"));
        }
        if (hold) {
            CompletableFuture<Void> future = new CompletableFuture<>();
            held.add(future);
            return future;
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int objectSize() {
        return objectSize;
    }

    @Override
    public CompletableFuture<Void> read(long offset, ByteBuffer into) {
        return call("read");
    }

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuffer from, boolean fua) {
        return call("write");
    }

    @Override
    public CompletableFuture<Void> trim(long offset, long length) {
        return call("trim");
    }

    @Override
    public CompletableFuture<Void> zero(long offset, long length) {
        return call("zero");
    }

    @Override
    public CompletableFuture<Void> flush() {
        return call("flush");
    }

    @Override
    public void close() {}
}
