package dev.ublks3.storage;

import dev.ublks3.storage.ObjectStore.ListedObject;
import java.util.concurrent.CompletableFuture;

/**
 * A device's objects all have its object size: an object of another size was written by a device of another object
 * size, and read as this device's it would be misplaced, and cut short or padded by its next partial write. Says so
 * in one line, naming the object, both sizes and the fix.
 */
public final class StoredObjectSize {

    /** The keys the check's one LIST asks for: S3's most, so keys under the prefix that are not blocks rarely hide one. */
    static final int LIST_KEYS = 1000;

    private StoredObjectSize() {}

    /**
     * Checks, before a device is served, that its objects were written with its object size: one LIST (prefix
     * {@code key/}, up to {@value #LIST_KEYS} keys), and the size of the first block key it finds (keys that are not
     * {@code key/} and 16 lower-case hex digits are skipped). Fails with a {@link StoreException.Kind#CORRUPT}
     * naming that object, both sizes and the fix when the size differs; completes when it matches or no block was
     * found (a new device). Not a scan: a bucket with objects of mixed sizes is caught by the reads, one object at
     * a time ({@link ObjectStore#get}).
     *
     * @param bucket the bucket's name, for the message
     */
    public static CompletableFuture<Void> check(ObjectStore store, String bucket, String key, long objectSize) {
        String prefix = key + "/";
        return store.list(prefix, null, null, LIST_KEYS).thenAccept(page -> {
            for (ListedObject listed : page.objects()) {
                if (BlockKeys.blockOf(prefix, listed.key()) >= 0) {
                    String error =
                            listed.size() < 0 ? null : mismatch(bucket + "/" + listed.key(), listed.size(), objectSize);
                    if (error != null) {
                        throw new StoreException(StoreException.Kind.CORRUPT, "LIST", listed.key(), error);
                    }
                    return;
                }
            }
        });
    }

    /**
     * Null when {@code size} is {@code objectSize}; else the one-line error for the object {@code object} (e.g.
     * "bucket/disk/0000000000000000") of {@code size} bytes read as one of {@code objectSize} bytes.
     */
    public static String mismatch(String object, long size, long objectSize) {
        if (size == objectSize) {
            return null;
        }
        String what = "object " + object + " has " + size + " bytes, not the object size " + objectSize + ": ";
        if (size >= ObjectMap.MIN_OBJECT_SIZE && size <= ObjectMap.MAX_OBJECT_SIZE && Long.bitCount(size) == 1) {
            String written = size % (1 << 20) == 0 ? (size >> 20) + "M" : (size >> 10) + "K";
            return what + "it was written with object-size " + written + "; use --object-size " + written
                    + " to add this device";
        }
        return what + "no object size makes objects of " + size + " bytes (cut short, or not written as a device's "
                + "object); remove it, or use another --key";
    }
}
