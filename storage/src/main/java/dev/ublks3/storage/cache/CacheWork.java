package dev.ublks3.storage.cache;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The base of the device's work on its objects in the cache (a {@link ReadMiss}, {@link WholeGranules}, a
 * {@link WriteThrough}, {@link ObjectDrops}, the {@link CacheUploader}'s uploads): what all of it works with.
 */
abstract class CacheWork {

    /**
     * One open cache's parts, as the device made them.
     *
     * @param log      the log: its lock guards its index and the slots' bookkeeping
     * @param slots    the slots' bookkeeping
     * @param granules the granules of the cache's objects
     * @param threads  where blocking file I/O runs
     */
    record Parts(CacheLog log, CacheSlots slots, Granules granules, CacheThreads threads) {}

    protected final CacheLog log;
    protected final ReentrantLock lock;
    protected final CacheSlots slots;
    protected final Granules granules;
    protected final CacheThreads threads;

    CacheWork(Parts parts) {
        this.log = parts.log();
        this.lock = log.lock();
        this.slots = parts.slots();
        this.granules = parts.granules();
        this.threads = parts.threads();
    }
}
