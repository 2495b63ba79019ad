package dev.ublks3.linux;

import java.io.IOException;

/**
 * A failed system call: the call (with its main argument), the errno, its name and message, e.g.
 * {@code open(/dev/ublk-control): ENOENT (No such file or directory)}.
 */
public class ErrnoException extends IOException {
    private final String call;
    private final int errno;

    public ErrnoException(String call, int errno) {
        super(call + ": " + Errno.describe(errno));
        this.call = call;
        this.errno = Math.abs(errno);
    }

    /** The failed call, e.g. {@code "open(/dev/ublk-control)"}. */
    public String call() {
        return call;
    }

    /** The errno, positive. */
    public int errno() {
        return errno;
    }

    /** The errno's name, e.g. {@code "ENOENT"}. */
    public String errnoName() {
        return Errno.name(errno);
    }
}
