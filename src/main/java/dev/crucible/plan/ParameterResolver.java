package dev.crucible.plan;

import dev.crucible.config.ParameterSetting;
import dev.crucible.config.Parameters;

import dev.crucible.config.SourceLines;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeSet;

/**
 * Resolves one parameter for one tensor through mergekit's precedence (merge-methods.md §2.5): source level,
 * then slice level, then top level, first non-null wins. A conditional list whose filters all miss yields no value
 * at its level, so resolution continues below it. Defaults are applied by the caller.
 */
final class ParameterResolver {

    /** One precedence level: its parameters and the YAML key path of its {@code parameters:} block. */
    record Level(Parameters parameters, String keyPath) {
        String keyOf(String name) {
            return keyPath.isEmpty() ? "parameters." + name : keyPath + ".parameters." + name;
        }
    }

    /** A resolved value and the key path it came from (for error messages that point at the YAML line). */
    record Found(double value, String keyPath) {
    }

    private ParameterResolver() {
    }

    /**
     * Evaluates {@code name} for {@code tensor} at position {@code t}, trying {@code levels} in order; a word is
     * looked up in {@code choices} (the parameter's named values).
     */
    static Optional<Found> resolve(String name, Map<String, Double> choices, String tensor, double t,
                                   SourceLines lines, Level... levels) {
        for (Level level : levels) {
            Optional<ParameterSetting> setting = level.parameters().get(name);
            if (setting.isPresent() && setting.get() instanceof ParameterSetting.Label label) {
                Double code = choices.get(label.text());
                if (code == null) {
                    throw lines.error(level.keyOf(name), choices.isEmpty() ? name + " takes a number, not '"
                            + label.text() + "'" : name + " takes one of " + new TreeSet<>(choices.keySet())
                            + ", not '" + label.text() + "'");
                }
                return Optional.of(new Found(code, level.keyOf(name)));
            }
            if (setting.isPresent()) {
                OptionalDouble v = setting.get().evaluate(tensor, t);
                if (v.isPresent()) {
                    return Optional.of(new Found(v.getAsDouble(), level.keyOf(name)));
                }
            }
        }
        return Optional.empty();
    }
}
