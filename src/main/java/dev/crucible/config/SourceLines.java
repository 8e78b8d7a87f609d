package dev.crucible.config;

import java.util.HashMap;
import java.util.Map;

/**
 * Where each key path of a config came from: key path ({@code models[2].parameters.density}) to 1-based line.
 * Later stages use it to report their own findings in the same {@code file:line: path: problem} form.
 */
public final class SourceLines {
    private final String sourceName;
    private final Map<String, Integer> lines = new HashMap<>();

    SourceLines(String sourceName) {
        this.sourceName = sourceName;
    }

    /** Called while the config is read; the map is complete, and no longer changes, once loading returns. */
    void record(String keyPath, int line) {
        lines.put(keyPath, line);
    }

    /** The 1-based line of {@code keyPath} ({@code ""} is the document), or 0 if the path was never read. */
    public int line(String keyPath) {
        return lines.getOrDefault(keyPath, 0);
    }

    public String sourceName() {
        return sourceName;
    }

    /** An error about {@code keyPath}, located at the line it was read from. */
    public ConfigException error(String keyPath, String problem) {
        return error(keyPath, line(keyPath), problem);
    }

    /** An error at an explicit line, for places with no recorded path of their own (duplicate or unknown keys). */
    ConfigException error(String keyPath, int line, String problem) {
        StringBuilder message = new StringBuilder(sourceName);
        if (line > 0) {
            message.append(':').append(line);
        }
        message.append(": ");
        if (!keyPath.isEmpty()) {
            message.append(keyPath).append(": ");
        }
        return new ConfigException(message.append(problem).toString());
    }
}
