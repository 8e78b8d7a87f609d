package dev.crucible.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One YAML node seen at a key path of the config. Creating it records the path's line in {@link SourceLines};
 * its scalar accessors apply mergekit's (pydantic's) coercions and fail with located, one-line errors.
 */
final class ConfigNode {
    /**
     * What pydantic accepts as a float written as a string, e.g. {@code "1e-5"} (PyYAML reads 1e-5 as a string).
     * Possessive quantifiers: with backtracking ones a long run of digits that fails to match takes quadratic time.
     */
    private static final Pattern NUMERIC_STRING = Pattern.compile("[+-]?(\\d++\\.?\\d*+|\\.\\d++)([eE][+-]?\\d++)?");
    /**
     * Python refuses to convert longer int literals (sys.int_info.default_max_str_digits), and SnakeYAML resolves
     * longer plain scalars as strings; only an explicit !!int tag gets past, and converting it is quadratic in its
     * length.
     */
    private static final int MAX_INT_DIGITS = 4300;
    private static final Pattern WORD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** Values shown in error messages are cut at this many characters. */
    private static final int MAX_DESCRIPTION = 80;
    /** Collections shown in error messages list at most this many items. */
    private static final int MAX_ITEMS = 8;

    private final Node node;
    private final String path;
    private final SourceLines lines;

    private ConfigNode(Node node, String path, int line, SourceLines lines) {
        this.node = node;
        this.path = path;
        this.lines = lines;
        lines.record(path, line);
    }

    /** The document root, whose key path is {@code ""}. */
    static ConfigNode root(Node node, SourceLines lines) {
        return new ConfigNode(node, "", lineOf(node), lines);
    }

    static int lineOf(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    /** The value of mapping entry {@code key}; its line is the key's, where the user looks for it. */
    ConfigNode child(String key, Node value, int keyLine) {
        return new ConfigNode(value, childPath(key), keyLine, lines);
    }

    String childPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    String path() {
        return path;
    }

    SourceLines lines() {
        return lines;
    }

    ConfigException error(String problem) {
        return lines.error(path, problem);
    }

    boolean isMapping() {
        return node instanceof MappingNode;
    }

    boolean isSequence() {
        return node instanceof SequenceNode;
    }

    boolean isNull() {
        return hasTag(Tag.NULL);
    }

    /** Null or an empty collection: what mergekit's truthiness tests treat as "not given". */
    boolean isEmpty() {
        return isNull()
                || node instanceof SequenceNode sequence && sequence.getValue().isEmpty()
                || node instanceof MappingNode mapping && mapping.getValue().isEmpty();
    }

    /** This mapping with any keys (parameter names, token texts, module names), in document order. */
    ConfigMapping openMapping() {
        if (!(node instanceof MappingNode mapping)) {
            throw error("expected a mapping, got " + describe());
        }
        return new ConfigMapping(this, mapping);
    }

    /** This mapping, which may only use {@code knownKeys}. */
    ConfigMapping mapping(String... knownKeys) {
        return openMapping().allowOnly(List.of(knownKeys));
    }

    /** The items of this list, each at path {@code path[i]}. */
    List<ConfigNode> elements() {
        if (!(node instanceof SequenceNode sequence)) {
            throw error("expected a list, got " + describe());
        }
        List<ConfigNode> elements = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            elements.add(new ConfigNode(item, path + "[" + elements.size() + "]", lineOf(item), lines));
        }
        return elements;
    }

    String string() {
        if (!hasTag(Tag.STR)) {
            throw error("expected a string, got " + describe());
        }
        return ((ScalarNode) node).getValue();
    }

    /** A plain word (letters, digits, underscores) written where a number could stand, e.g. {@code count}. */
    boolean isWord() {
        return hasTag(Tag.STR) && WORD.matcher(((ScalarNode) node).getValue()).matches();
    }

    /** A number as pydantic's float sees it: ints, floats, booleans (1.0 / 0.0) and numeric strings. */
    double number() {
        if (hasTag(Tag.INT) || hasTag(Tag.FLOAT)) {
            return ((Number) scalarValue()).doubleValue();
        }
        if (hasTag(Tag.BOOL)) {
            return bool() ? 1.0 : 0.0;
        }
        if (hasTag(Tag.STR)) {
            String text = ((ScalarNode) node).getValue().strip();
            if (NUMERIC_STRING.matcher(text).matches()) {
                return Double.parseDouble(text);
            }
        }
        throw error("expected a number, got " + describe());
    }

    int integer() {
        if (!hasTag(Tag.INT)) {
            throw error("expected an integer, got " + describe());
        }
        if (!(scalarValue() instanceof Integer value)) {
            throw error("integer out of range: " + describe());
        }
        return value;
    }

    boolean bool() {
        if (!hasTag(Tag.BOOL)) {
            throw error("expected true or false, got " + describe());
        }
        return (Boolean) scalarValue();
    }

    /** The value of this int, float or bool scalar, as PyYAML constructs it. */
    private Object scalarValue() {
        ScalarNode scalar = (ScalarNode) node;
        if (hasTag(Tag.INT) && scalar.getValue().length() > MAX_INT_DIGITS) {
            throw error("integer longer than " + MAX_INT_DIGITS + " digits, which Python (and so mergekit) refuses");
        }
        String tag = scalar.getTag().getValue().substring(Tag.PREFIX.length());
        return YamlScalars.value(scalar).orElseThrow(() -> error(
                "!!" + tag + " " + cut("'" + scalar.getValue() + "'") + " is not a valid " + tag));
    }

    /** The node as short flow-style text for messages, e.g. {@code [0]} or {@code 'abc'}. */
    String describe() {
        return describe(node);
    }

    static String describe(Node node) {
        return cut(describe(node, 3));
    }

    private static String cut(String text) {
        return text.length() <= MAX_DESCRIPTION ? text : text.substring(0, MAX_DESCRIPTION - 3) + "...";
    }

    /** Bounded in depth and width, because aliases can make a small document describe a huge tree. */
    private static String describe(Node node, int depth) {
        if (node instanceof ScalarNode scalar) {
            if (scalar.getTag().equals(Tag.NULL)) {
                return "null";
            }
            return scalar.getTag().equals(Tag.STR) ? "'" + scalar.getValue() + "'" : scalar.getValue();
        }
        if (depth == 0) {
            return "...";
        }
        if (node instanceof SequenceNode sequence) {
            List<Node> items = sequence.getValue();
            return items.stream().limit(MAX_ITEMS).map(item -> describe(item, depth - 1))
                    .collect(Collectors.joining(", ", "[", items.size() > MAX_ITEMS ? ", ...]" : "]"));
        }
        List<NodeTuple> entries = ((MappingNode) node).getValue();
        return entries.stream().limit(MAX_ITEMS)
                .map(e -> key(e.getKeyNode()) + ": " + describe(e.getValueNode(), depth - 1))
                .collect(Collectors.joining(", ", "{", entries.size() > MAX_ITEMS ? ", ...}" : "}"));
    }

    private static String key(Node key) {
        return key instanceof ScalarNode scalar ? scalar.getValue() : "?";
    }

    private boolean hasTag(Tag tag) {
        return node instanceof ScalarNode scalar && scalar.getTag().equals(tag);
    }
}
