package dev.ublks3.tools;

/**
 * A bad command line or an unusable environment, reported as one line naming the problem and the fix,
 * and exit code 2. Thrown before anything is created, so nothing is left half-made. What is wrong with the
 * devices or servers at hand rather than with the command is a {@link ServeException}.
 */
public final class UsageException extends RuntimeException {

    /** Exit code for a bad command line (like getopt's users: 2). */
    public static final int EXIT_USAGE = 2;

    public UsageException(String message) {
        super(message);
    }

    public int exitCode() {
        return EXIT_USAGE;
    }
}
