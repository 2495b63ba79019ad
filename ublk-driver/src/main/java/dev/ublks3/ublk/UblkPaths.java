package dev.ublks3.ublk;

/**
 * The device nodes the kernel makes for ublk device N: /dev/ublkbN, the block device programs use, and /dev/ublkcN,
 * the char device its server opens. Every path of a device is built and read back here.
 */
public final class UblkPaths {

    private static final String BLOCK = "/dev/ublkb";
    private static final String CHAR = "/dev/ublkc";

    private UblkPaths() {}

    /** /dev/ublkbN. */
    public static String block(int devId) {
        return BLOCK + devId;
    }

    /** /dev/ublkcN. */
    public static String character(int devId) {
        return CHAR + devId;
    }

    /** N of /dev/ublkbN; -1 for anything else (a partition /dev/ublkbNpM, another device, other text). */
    public static int blockId(String path) {
        return idAfter(BLOCK, path);
    }

    /** N of /dev/ublkcN; -1 for anything else. */
    public static int charId(String path) {
        return idAfter(CHAR, path);
    }

    private static int idAfter(String prefix, String path) {
        if (!path.startsWith(prefix)) {
            return -1;
        }
        String digits = path.substring(prefix.length());
        // device numbers are below 2^20 (the kernel's UBLK_MAX_UBLKS): 7 digits at most
        if (digits.isEmpty() || digits.length() > 7 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Integer.parseInt(digits);
    }
}
