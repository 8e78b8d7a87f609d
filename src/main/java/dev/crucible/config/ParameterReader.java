package dev.crucible.config;

import dev.crucible.config.ParameterSetting.Condition;
import dev.crucible.config.ParameterSetting.Conditional;
import dev.crucible.config.ParameterSetting.Gradient;
import dev.crucible.config.ParameterSetting.Scalar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads {@code parameters:} blocks and their values with mergekit's coercions (merge-methods.md §2.2). */
final class ParameterReader {
    private ParameterReader() {
    }

    /** The {@code parameters} entry of {@code owner}, or {@link Parameters#EMPTY} when it has none. */
    static Parameters parameters(ConfigMapping owner) {
        return owner.optional("parameters").map(ParameterReader::block).orElse(Parameters.EMPTY);
    }

    private static Parameters block(ConfigNode node) {
        Map<String, ParameterSetting> values = new LinkedHashMap<>();
        node.openMapping().all().forEach((name, value) -> values.put(name, setting(value)));
        return new Parameters(values);
    }

    /** A number, a gradient, a list of conditions, or one condition (which mergekit accepts but cannot evaluate). */
    static ParameterSetting setting(ConfigNode node) {
        if (node.isMapping()) {
            return new Conditional(List.of(condition(node)));
        }
        if (node.isSequence()) {
            List<ConfigNode> items = node.elements();
            if (!items.isEmpty() && items.stream().allMatch(ConfigNode::isMapping)) {
                return new Conditional(items.stream().map(ParameterReader::condition).toList());
            }
        }
        return node.isWord() ? new ParameterSetting.Label(node.string()) : numberOrGradient(node);
    }

    private static Condition condition(ConfigNode node) {
        ConfigMapping condition = node.mapping("filter", "value");
        String filter = condition.optional("filter").map(ConfigNode::string).orElse(null);
        return new Condition(filter, numberOrGradient(condition.required("value")));
    }

    private static ParameterSetting numberOrGradient(ConfigNode node) {
        if (!node.isSequence()) {
            return new Scalar(node.number());
        }
        List<ConfigNode> items = node.elements();
        if (items.isEmpty()) {
            throw node.error("expected a number or a non-empty list of numbers, got []");
        }
        return new Gradient(items.stream().mapToDouble(ConfigNode::number).toArray());
    }
}
