package dev.ublks3.storage;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The whole contents of objects the object map PUT lately, least recently used first out, in two parts: objects
 * patched by partial writes ({@link #keep}, up to {@code capacityBytes}), and objects written whole
 * ({@link #keepWritten}, up to a quarter of that). A partial write of one of them patches this copy and PUTs it,
 * without GETting the object again: ZFS rewrites a 4 KiB uberblock in the same label objects at every transaction
 * group (right after writing those labels whole when a pool is created), and a file system's metadata blocks take
 * one small write after another. The parts are apart so that a stream of whole-object writes (a large file) only
 * turns over its own quarter, never the objects that take partial writes again and again; a copy of a
 * whole-written object that takes a partial write moves to the patched part.
 *
 * <p>Coherent because the object map is the only writer of its objects (a second server on the same bucket and
 * key is refused) and calls this only from inside an object's ordered mutations: a mutation {@link #take}s the
 * copy (no one else sees it while it is patched and PUT) and keeps it again only after the PUT succeeded;
 * a failed PUT leaves no copy (the store then holds the old or the new bytes: unknown). Whole-object writes and
 * deletions {@link #drop} the copy before they go to the store. Reads never use it: they read the store.
 */
final class RecentObjects {

    private final int objectSize;
    private final Part patched;
    private final Part written;

    /** {@code capacityBytes} below {@code objectSize} keeps nothing. */
    RecentObjects(long capacityBytes, int objectSize) {
        this.objectSize = objectSize;
        this.patched = new Part(capacityBytes);
        this.written = new Part(capacityBytes / 4);
    }

    /** Removes and returns the copy of {@code block}'s object, or null when none is held. */
    synchronized ByteBuffer take(long block) {
        ByteBuffer copy = patched.copies.remove(block);
        return copy != null ? copy : written.copies.remove(block);
    }

    /** Whether a copy of {@code block}'s object is held now. */
    synchronized boolean holds(long block) {
        return patched.copies.containsKey(block) || written.copies.containsKey(block);
    }

    /** Holds {@code whole} (the object's entire bytes after a partial write, no longer changed by anyone). */
    synchronized void keep(long block, ByteBuffer whole) {
        patched.put(block, whole);
    }

    /** Whether {@link #keepWritten} would hold a copy at all: else the caller need not make one. */
    boolean keepsWritten() {
        return written.capacityBytes >= objectSize;
    }

    /** Holds {@code copy} (the bytes of a whole-object write, copied from the request) as {@code block}'s copy. */
    synchronized void keepWritten(long block, ByteBuffer copy) {
        written.put(block, copy);
    }

    synchronized void drop(long block) {
        patched.copies.remove(block);
        written.copies.remove(block);
    }

    /** Drops the copies of blocks {@code first..last}; bounded by the copies held, not by the range. */
    synchronized void drop(long first, long last) {
        patched.copies.keySet().removeIf(block -> block >= first && block <= last);
        written.copies.keySet().removeIf(block -> block >= first && block <= last);
    }

    synchronized int size() {
        return patched.copies.size() + written.copies.size();
    }

    /** One part: copies up to {@code capacityBytes}, access-ordered (the eldest is the least recently used). */
    private final class Part {
        final long capacityBytes;
        final LinkedHashMap<Long, ByteBuffer> copies = new LinkedHashMap<>(16, 0.75f, true);

        Part(long capacityBytes) {
            this.capacityBytes = capacityBytes;
        }

        void put(long block, ByteBuffer whole) {
            if (capacityBytes < objectSize) {
                return;
            }
            copies.put(block, whole);
            while ((long) copies.size() * objectSize > capacityBytes) {
                Iterator<Map.Entry<Long, ByteBuffer>> eldest = copies.entrySet().iterator();
                eldest.next();
                eldest.remove();
            }
        }
    }
}
