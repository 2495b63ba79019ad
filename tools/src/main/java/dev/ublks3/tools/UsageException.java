package dev.ublks3.tools;

/**
 * A bad command line or an unusable environment, reported as one line naming the problem and the fix,
 * and a non-zero exit code. Thrown before anything is created, so nothing is left half-made.
 */
public final class UsageException extends RuntimeException {

    /** Exit code for a bad command line (like getopt's users: 2). */
    public static final int EXIT_USAGE = 2;

    private final int exitCode;

    public UsageException(String message) {
        this(message, EXIT_USAGE);
    }

    public UsageException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
