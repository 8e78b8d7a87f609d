package dev.crucible.io;

import dev.crucible.CrucibleException;

/**
 * Malformed or unsafe checkpoint input: a bad safetensors header, a hostile index, a missing shard.
 * The message is one line that names the file, and the tensor where one is involved.
 */
public final class FormatException extends CrucibleException {
    private static final long serialVersionUID = 1L;

    public FormatException(String message) {
        super(message);
    }

    public FormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
