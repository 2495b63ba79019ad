package dev.ublks3.tools;

/**
 * A command that cannot do what it was asked because of how things are, not how it was typed: no such device, a
 * server that does not answer, a store that refuses. One line naming the problem and the fix; exit code 1.
 */
final class ServeException extends RuntimeException {

    ServeException(String message) {
        super(message);
    }
}
