package dev.ublks3.storage;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A request split at object boundaries: the one place that turns device offsets into (object, offset in it). */
public final class ObjectParts {

    /** What to do with the part of a request that falls in one object: {@code part} is its slice of the buffer. */
    @FunctionalInterface
    public interface Part {
        CompletableFuture<Void> start(long block, int inObject, ByteBuffer part);
    }

    private ObjectParts() {}

    /**
     * Splits {@code buffer}'s remaining bytes at device {@code offset} at the boundaries of objects of
     * {@code objectSize} (a power of two) and starts {@code action} on every part at once; the futures in order.
     */
    public static List<CompletableFuture<Void>> start(long offset, ByteBuffer buffer, int objectSize, Part action) {
        int length = buffer.remaining();
        int base = buffer.position();
        int shift = Integer.numberOfTrailingZeros(objectSize);
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        for (int done = 0; done < length; ) {
            long position = offset + done;
            int inObject = (int) (position & (objectSize - 1));
            int n = Math.min(objectSize - inObject, length - done);
            parts.add(action.start(position >>> shift, inObject, buffer.slice(base + done, n)));
            done += n;
        }
        return parts;
    }
}
