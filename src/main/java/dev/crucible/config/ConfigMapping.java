package dev.crucible.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The entries of one YAML mapping, keyed by string. YAML parsers silently keep the last of repeated keys,
 * which hides edits that never took effect, so a repeated key is an error here.
 */
final class ConfigMapping {
    private record Entry(Node value, int line) {
    }

    private final ConfigNode owner;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    ConfigMapping(ConfigNode owner, MappingNode mapping) {
        this.owner = owner;
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            int line = ConfigNode.lineOf(keyNode);
            if (!(keyNode instanceof ScalarNode key) || !key.getTag().equals(Tag.STR)) {
                throw owner.lines().error(owner.path(), line,
                        "expected a string key, got " + ConfigNode.describe(keyNode));
            }
            Entry first = entries.putIfAbsent(key.getValue(), new Entry(tuple.getValueNode(), line));
            if (first != null) {
                throw error(key.getValue(), line, "duplicate key (first defined on line " + first.line() + ")");
            }
        }
    }

    /** Fails on the first key, in document order, that is not one of {@code knownKeys}, naming the closest. */
    ConfigMapping allowOnly(List<String> knownKeys) {
        for (Map.Entry<String, Entry> entry : entries.entrySet()) {
            String key = entry.getKey();
            if (!knownKeys.contains(key)) {
                String advice = NearestName.nearest(key, knownKeys)
                        .map(name -> "did you mean '" + name + "'?")
                        .orElse("expected one of " + String.join(", ", knownKeys));
                throw error(key, entry.getValue().line(), "unknown key; " + advice);
            }
        }
        return this;
    }

    boolean has(String key) {
        return entries.containsKey(key);
    }

    /** The value of {@code key}; empty when the key is absent or null, which pydantic treats alike. */
    Optional<ConfigNode> optional(String key) {
        Entry entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        ConfigNode value = owner.child(key, entry.value(), entry.line());
        return value.isNull() ? Optional.empty() : Optional.of(value);
    }

    ConfigNode required(String key) {
        if (!has(key)) {
            throw owner.error("missing required key '" + key + "'");
        }
        return optional(key).orElseThrow(() -> owner.lines().error(owner.childPath(key), "a value is required"));
    }

    /** Every entry in document order, null values included. */
    Map<String, ConfigNode> all() {
        Map<String, ConfigNode> nodes = new LinkedHashMap<>();
        entries.forEach((key, entry) -> nodes.put(key, owner.child(key, entry.value(), entry.line())));
        return nodes;
    }

    /**
     * Fails with mergekit's {@code problem} when more than one of {@code keys} has a non-empty value, or, if
     * {@code required}, when none has. The error points at the second such key, or at the mapping itself.
     */
    void requireExclusive(boolean required, String problem, String... keys) {
        List<ConfigNode> given = entries.keySet().stream()
                .filter(List.of(keys)::contains)
                .flatMap(key -> optional(key).stream())
                .filter(value -> !value.isEmpty())
                .toList();
        if (given.size() > 1) {
            throw given.get(1).error(problem);
        }
        if (required && given.isEmpty()) {
            throw owner.error(problem);
        }
    }

    private ConfigException error(String key, int line, String problem) {
        return owner.lines().error(owner.childPath(key), line, problem);
    }
}
