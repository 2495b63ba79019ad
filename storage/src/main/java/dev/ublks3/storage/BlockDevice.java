package dev.ublks3.storage;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * The block device view: bytes at offsets, in nbdkit's plugin shape (pread, pwrite, trim, zero, flush).
 * All calls are asynchronous and may run concurrently; offsets and lengths are bytes. The object map
 * implements it over an {@link ObjectStore}; block layers (e.g. stats) wrap another BlockDevice.
 */
public interface BlockDevice extends AutoCloseable {

    /** Size of the device in bytes. */
    long size();

    /** Size of one object in bytes: the natural I/O unit (writes of whole aligned objects need no read). */
    int objectSize();

    /**
     * Reads {@code into.remaining()} bytes at {@code offset}; holes read as zeros. On success {@code into}'s position
     * has advanced by the bytes read. The caller must not touch {@code into} until the future completes.
     */
    CompletableFuture<Void> read(long offset, ByteBuffer into);

    /**
     * Writes {@code from.remaining()} bytes at {@code offset}. With {@code fua}, completes only once the data is
     * in the store (force unit access); without, it may complete earlier only if a layer caches writes, and then
     * {@link #flush()} makes it durable. {@code from}'s position is left alone; the caller must not change its
     * bytes until the future completes.
     */
    CompletableFuture<Void> write(long offset, ByteBuffer from, boolean fua);

    /** Discards the range: whole objects inside it are deleted; partial objects at the ends are left alone. */
    CompletableFuture<Void> trim(long offset, long length);

    /** Zeroes the range: partial ends are written as zeros, whole objects deleted (a missing object reads as zeros). */
    CompletableFuture<Void> zero(long offset, long length);

    /** Completes once every write that completed before this call is in the store. */
    CompletableFuture<Void> flush();

    /** Waits for nothing: callers wait for their calls to complete first. Closes the store underneath. */
    @Override
    void close();
}
