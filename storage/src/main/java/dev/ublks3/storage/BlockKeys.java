package dev.ublks3.storage;

/**
 * The keys of a device's objects, nbdkit's: {@code key/} and exactly 16 lower-case hex digits, the block number.
 * Any other key under the prefix is not the device's and is left alone.
 */
final class BlockKeys {

    static final int HEX_DIGITS = 16;

    private BlockKeys() {}

    /** The key of block {@code blockNo} under {@code prefix} ({@code key/}): {@code key/%016x}. */
    static String keyOf(String prefix, long blockNo) {
        // by hand: String.format parses its pattern on every call, and every request names its objects
        char[] digits = new char[HEX_DIGITS];
        for (int i = HEX_DIGITS - 1; i >= 0; i--) {
            digits[i] = Character.forDigit((int) (blockNo & 0xf), 16);
            blockNo >>>= 4;
        }
        return prefix.concat(new String(digits));
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
