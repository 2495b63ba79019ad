package dev.ublks3.ublk;

import dev.ublks3.linux.Errno;
import java.io.IOException;

/**
 * A ublk control or queue command the kernel refused, or a ublk setup step that failed: the command's kernel name
 * ("ADD_DEV"), the errno, and a one-line message saying what to do, e.g.
 * {@code ADD_DEV: EEXIST (device 3 already exists): pick another -n or leave it out}.
 */
public class UblkException extends IOException {
    private final String command;
    private final int errno;

    /**
     * @param command the kernel's name of the command ("ADD_DEV") or the step ("open /dev/ublkc3")
     * @param errno   the errno, either sign; 0 when the failure has none
     * @param detail  what happened, in words (shown in parentheses after the errno name)
     * @param hint    what to do about it; empty for nothing
     */
    public UblkException(String command, int errno, String detail, String hint) {
        this(command, errno, detail, hint, null);
    }

    public UblkException(String command, int errno, String detail, String hint, Throwable cause) {
        super(message(command, Math.abs(errno), detail, hint), cause);
        this.command = command;
        this.errno = Math.abs(errno);
    }

    private static String message(String command, int errno, String detail, String hint) {
        StringBuilder m = new StringBuilder(command).append(": ");
        if (errno != 0) m.append(Errno.name(errno)).append(" (").append(detail).append(')');
        else m.append(detail);
        if (hint != null && !hint.isEmpty()) m.append(": ").append(hint);
        return m.toString();
    }

    /** The command's kernel name ("ADD_DEV") or the failed step. */
    public String command() {
        return command;
    }

    /** The errno, positive; 0 when there is none. */
    public int errno() {
        return errno;
    }
}
