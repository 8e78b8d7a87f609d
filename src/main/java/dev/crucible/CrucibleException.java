package dev.crucible;

/**
 * An error caused by the user's input or environment (a bad file, config, path or disk), as opposed to a bug.
 * Its message is one complete line meant for the user; the CLI prints it without a stack trace.
 */
public class CrucibleException extends RuntimeException {
    public CrucibleException(String message) {
        super(message);
    }

    public CrucibleException(String message, Throwable cause) {
        super(message, cause);
    }
}
