package dev.crucible.config;

import dev.crucible.CrucibleException;

/**
 * A merge config that cannot be read or does not follow the schema. The message is one line,
 * {@code <source>:<line>: <key path>: <problem>}, built by {@link SourceLines#error}.
 */
public final class ConfigException extends CrucibleException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
