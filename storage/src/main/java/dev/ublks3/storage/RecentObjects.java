package dev.ublks3.storage;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The whole contents of the objects the object map PUT last after patching them, least recently used first out,
 * at most {@code capacityBytes} in all. A partial write of one of them patches this copy and PUTs it, without
 * GETting the object again: ZFS rewrites a 4 KiB uberblock in the same label objects at every transaction group,
 * and a file system's metadata blocks take one small write after another.
 *
 * <p>Coherent because the object map is the only writer of its objects (a second server on the same bucket and
 * key is refused) and calls this only from inside an object's ordered mutations: a mutation {@link #take}s the
 * copy (no one else sees it while it is patched and PUT) and {@link #keep}s it again only after the PUT succeeded;
 * a failed PUT leaves no copy (the store then holds the old or the new bytes: unknown). Whole-object writes and
 * deletions {@link #drop} the copy before they go to the store. Reads never use it: they read the store.
 */
final class RecentObjects {

    private final long capacityBytes;
    private final int objectSize;
    /** Access-ordered: the eldest entry is the least recently used. Guarded by {@code this}. */
    private final LinkedHashMap<Long, ByteBuffer> copies = new LinkedHashMap<>(16, 0.75f, true);

    /** {@code capacityBytes} below {@code objectSize} keeps nothing. */
    RecentObjects(long capacityBytes, int objectSize) {
        this.capacityBytes = capacityBytes;
        this.objectSize = objectSize;
    }

    /** Removes and returns the copy of {@code block}'s object, or null when none is held. */
    synchronized ByteBuffer take(long block) {
        return copies.remove(block);
    }

    /** Holds {@code whole} (the object's entire bytes, no longer changed by anyone) as {@code block}'s copy. */
    synchronized void keep(long block, ByteBuffer whole) {
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

    synchronized void drop(long block) {
        copies.remove(block);
    }

    /** Drops the copies of blocks {@code first..last}; bounded by the copies held, not by the range. */
    synchronized void drop(long first, long last) {
        copies.keySet().removeIf(block -> block >= first && block <= last);
    }

    synchronized int size() {
        return copies.size();
    }
}
