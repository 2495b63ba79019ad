package dev.ublks3.ublk;

import java.util.ArrayList;
import java.util.List;

/**
 * A set of UBLK_F_* flag bits (GET_FEATURES, or the flags ADD_DEV wrote back), decoded by their kernel names.
 */
public record UblkFeatures(long bits) {
    // index = bit number; the kernel's names less "UBLK_F_"
    private static final String[] NAMES = {
        "SUPPORT_ZERO_COPY",
        "URING_CMD_COMP_IN_TASK",
        "NEED_GET_DATA",
        "USER_RECOVERY",
        "USER_RECOVERY_REISSUE",
        "UNPRIVILEGED_DEV",
        "CMD_IOCTL_ENCODE",
        "USER_COPY",
        "ZONED",
        "USER_RECOVERY_FAIL_IO",
        "UPDATE_SIZE",
        "AUTO_BUF_REG",
        "QUIESCE",
        "PER_IO_DAEMON",
        "BUF_REG_OFF_DAEMON"
    };

    /** True when every bit of {@code flag} (a UBLK_F_* constant) is set. */
    public boolean has(long flag) {
        return (bits & flag) == flag;
    }

    /** The names of the set bits ("CMD_IOCTL_ENCODE", ...), unknown ones as "1<<N". */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        for (int bit = 0; bit < 64; bit++) {
            if ((bits & (1L << bit)) != 0) names.add(bit < NAMES.length ? NAMES[bit] : "1<<" + bit);
        }
        return names;
    }

    /** The UBLK_F_* bit of a name ("USER_COPY" or "UBLK_F_USER_COPY"); -1 when unknown. */
    public static long flagOf(String name) {
        String n = name.startsWith("UBLK_F_") ? name.substring(7) : name;
        for (int bit = 0; bit < NAMES.length; bit++) {
            if (NAMES[bit].equals(n)) return 1L << bit;
        }
        return -1;
    }

    @Override
    public String toString() {
        return "0x" + Long.toHexString(bits) + " " + String.join("|", names());
    }
}
