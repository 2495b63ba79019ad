package dev.ublks3.storage;

/**
 * The keys of a device's objects, nbdkit's: {@code key/} and exactly 16 lower-case hex digits, the block number.
 * Any other key under the prefix is not the device's and is left alone.
 */
final class BlockKeys {

    static final int HEX_DIGITS = 16;

    private BlockKeys() {
    }

    /** The block number of {@code objectKey} under {@code prefix} ({@code key/}), or -1 for any other key. */
    static long blockOf(String prefix, String objectKey) {
        if (objectKey.length() != prefix.length() + HEX_DIGITS || !objectKey.startsWith(prefix)) {
            return -1;
        }
        for (int i = prefix.length(); i < objectKey.length(); i++) {
            char c = objectKey.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
                return -1;
            }
        }
        return Long.parseUnsignedLong(objectKey, prefix.length(), objectKey.length(), 16);
    }
}
