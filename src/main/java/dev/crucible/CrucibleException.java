package dev.crucible;

/**
 * An error caused by the user's input or environment (a bad file, config, path or disk), as opposed to a bug.
 * Its message is one complete line meant for the user; the CLI prints it without a stack trace. Messages quote
 * untrusted text (names, keys, values), so the line is enforced here: control characters are escaped and an
 * overlong message is shortened in the middle.
 */
public class CrucibleException extends RuntimeException {
    /** Far longer than any message Crucible composes; only quoted hostile input reaches it. */
    public static final int MAX_MESSAGE_LENGTH = 2000;

    public CrucibleException(String message) {
        super(line(message));
    }

    public CrucibleException(String message, Throwable cause) {
        super(line(message), cause);
    }

    private static String line(String message) {
        return message == null ? null : UserText.oneLine(message, MAX_MESSAGE_LENGTH);
    }
}
