package dev.ublks3.storage;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * Base of a block device layer, like {@link ObjectStoreLayer}: every call passes through to {@code next} unless
 * the layer overrides it.
 */
public abstract class BlockDeviceLayer implements BlockDevice {

    protected final BlockDevice next;

    protected BlockDeviceLayer(BlockDevice next) {
        this.next = next;
    }

    @Override
    public long size() {
        return next.size();
    }

    @Override
    public int objectSize() {
        return next.objectSize();
    }

    @Override
    public CompletableFuture<Void> read(long offset, ByteBuffer into) {
        return next.read(offset, into);
    }

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuffer from, boolean fua) {
        return next.write(offset, from, fua);
    }

    @Override
    public CompletableFuture<Void> trim(long offset, long length) {
        return next.trim(offset, length);
    }

    @Override
    public CompletableFuture<Void> zero(long offset, long length) {
        return next.zero(offset, length);
    }

    @Override
    public CompletableFuture<Void> flush() {
        return next.flush();
    }

    @Override
    public void close() {
        next.close();
    }
}
