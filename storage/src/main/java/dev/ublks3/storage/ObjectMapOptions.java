package dev.ublks3.storage;

/**
 * What an {@link ObjectMap} may spend on partial writes (writes of part of an object, which PUT the whole object).
 *
 * @param recentBytes       memory for copies of objects just patched by partial writes, and a quarter more for
 *                          objects just written whole (see {@link RecentObjects}); below the object size: none, every
 *                          partial write of an object that may exist GETs it
 * @param partialWriteBytes memory for the whole objects that partial writes in flight hold (each holds one from its
 *                          GET, or its copy, until its PUT is done); a partial write past it waits its turn. At least
 *                          one object is always let through.
 * @param listPresence      whether a partial write may trust a LIST to learn that its object is absent (one LIST
 *                          per 1000 objects, instead of a GET per object): off for stores whose listings lag behind
 *                          their writes or break S3's order, where an object missing from a LIST may still exist.
 *                          Reads never trust a LIST; objects this map wrote or deleted itself are known either way.
 */
public record ObjectMapOptions(long recentBytes, long partialWriteBytes, boolean listPresence) {

    /**
     * Copies of 128 patched objects of 128 KiB (4096 of 4 KiB), and a quarter more for copies of objects written
     * whole.
     */
    public static final long DEFAULT_RECENT_BYTES = 16L << 20;

    /**
     * 64 MiB: with the default queues (4 x 128 requests) and object size (128 KiB), every request can have a partial
     * object in flight, so small objects never wait; and two of the largest objects (32 MiB), where a 4 KiB request
     * would otherwise pin a whole object each (16 GiB for 512 requests). At a store's usual 50-100 ms per request,
     * 64 MiB in flight already moves more GET + PUT bytes per second than a host's link gives one device.
     */
    public static final long DEFAULT_PARTIAL_WRITE_BYTES = 64L << 20;

    public static final ObjectMapOptions DEFAULT =
            new ObjectMapOptions(DEFAULT_RECENT_BYTES, DEFAULT_PARTIAL_WRITE_BYTES, true);

    public ObjectMapOptions {
        if (recentBytes < 0 || partialWriteBytes < 0) {
            throw new IllegalArgumentException("object map memory must not be negative: recentBytes " + recentBytes
                    + ", partialWriteBytes " + partialWriteBytes);
        }
    }

    public ObjectMapOptions withRecentBytes(long bytes) {
        return new ObjectMapOptions(bytes, partialWriteBytes, listPresence);
    }

    public ObjectMapOptions withPartialWriteBytes(long bytes) {
        return new ObjectMapOptions(recentBytes, bytes, listPresence);
    }

    public ObjectMapOptions withPresenceListing(boolean list) {
        return new ObjectMapOptions(recentBytes, partialWriteBytes, list);
    }
}
