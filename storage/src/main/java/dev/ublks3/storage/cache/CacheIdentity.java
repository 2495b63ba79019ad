package dev.ublks3.storage.cache;

import java.util.Objects;

/**
 * What a cache belongs to: a cache made for another identity is never applied.
 *
 * @param store the store as "endpoint bucket" text
 * @param key the device's key prefix in the bucket
 * @param objectSize the device's object size: a power of two from 512 bytes to 32 MiB
 */
public record CacheIdentity(String store, String key, int objectSize) {

    static final int MAX_OBJECT_SIZE = 32 << 20;

    public CacheIdentity {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(key, "key");
        if (objectSize < 512 || objectSize > MAX_OBJECT_SIZE || Integer.bitCount(objectSize) != 1) {
            throw new IllegalArgumentException("cache object size " + objectSize
                    + " is not a power of two from 512 bytes to 32 MiB: give the device's object size");
        }
    }

    /** The unit of validity, dirtiness and checksums in a slot: min(4 KiB, object size). */
    int granule() {
        return Math.min(4096, objectSize);
    }

    int granulesPerSlot() {
        return objectSize / granule();
    }

    /** One line for messages: the store, the key and the object size. */
    String describe() {
        return "store '" + store + "' key '" + key + "' object size " + objectSize;
    }
}
