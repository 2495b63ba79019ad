package dev.ublks3.storage;

/**
 * A device's objects all have its object size: an object of another size was written by a device of another object
 * size, and read as this device's it would be misplaced, and cut short or padded by its next partial write. Says so
 * in one line, naming the object, both sizes and the fix.
 */
public final class StoredObjectSize {

    private StoredObjectSize() {
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
