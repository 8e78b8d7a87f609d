package dev.crucible.config;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** One {@code parameters:} block: parameter name, exactly as written (e.g. {@code lambda}), to its setting. */
public record Parameters(Map<String, ParameterSetting> values) {
    public static final Parameters EMPTY = new Parameters(Map.of());

    public Parameters {
        values = Copies.orderedMap(Objects.requireNonNull(values, "values"));
    }

    public Optional<ParameterSetting> get(String name) {
        return Optional.ofNullable(values.get(name));
    }
}
