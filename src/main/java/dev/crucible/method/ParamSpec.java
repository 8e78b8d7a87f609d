package dev.crucible.method;

import java.util.Map;

/**
 * One parameter a merge method reads, with mergekit's name, kind and default (merge-methods.md §1, §2.1).
 *
 * @param name         the YAML key, e.g. {@code weight} or {@code lambda}
 * @param perModel     per-model (resolved per source tensor) rather than global (resolved per output tensor)
 * @param type         how the value is interpreted
 * @param defaultValue the default, or {@code null} when there is none
 * @param required     a missing value is an error (waived for the base model's per-model parameters)
 * @param help         one line for {@code crucible methods}
 */
public record ParamSpec(String name, boolean perModel, Type type, Double defaultValue, boolean required, String help,
                        Map<String, Double> choices) {

    /** Value types; every value arrives as a double, as in mergekit after pydantic coercion. */
    public enum Type { FLOAT, BOOL, INT, CHOICE }

    public ParamSpec(String name, boolean perModel, Type type, Double defaultValue, boolean required, String help) {
        this(name, perModel, type, defaultValue, required, help, Map.of());
    }

    /**
     * A global parameter that takes one of the named {@code choices} (word → code); a boolean written for it means
     * code 0 or 1, so {@code rescale: true} and {@code rescale: density} can share one key.
     */
    public static ParamSpec choice(String name, Map<String, Double> choices, double defaultValue, String help) {
        return new ParamSpec(name, false, Type.CHOICE, defaultValue, false, help, Map.copyOf(choices));
    }

    public static ParamSpec requiredPerModel(String name, String help) {
        return new ParamSpec(name, true, Type.FLOAT, null, true, help);
    }

    public static ParamSpec optionalPerModel(String name, String help) {
        return new ParamSpec(name, true, Type.FLOAT, null, false, help);
    }

    public static ParamSpec perModel(String name, double defaultValue, String help) {
        return new ParamSpec(name, true, Type.FLOAT, defaultValue, false, help);
    }

    public static ParamSpec requiredGlobal(String name, String help) {
        return new ParamSpec(name, false, Type.FLOAT, null, true, help);
    }

    public static ParamSpec global(String name, double defaultValue, String help) {
        return new ParamSpec(name, false, Type.FLOAT, defaultValue, false, help);
    }

    public static ParamSpec globalInt(String name, int defaultValue, String help) {
        return new ParamSpec(name, false, Type.INT, (double) defaultValue, false, help);
    }

    public static ParamSpec globalBool(String name, boolean defaultValue, String help) {
        return new ParamSpec(name, false, Type.BOOL, defaultValue ? 1.0 : 0.0, false, help);
    }

    /** The default as shown to users: {@code required}, {@code none}, {@code true}, {@code 0.5}. */
    public String defaultText() {
        if (defaultValue == null) {
            return required ? "required" : "none";
        }
        if (type == Type.BOOL) {
            return defaultValue != 0.0 ? "true" : "false";
        }
        if (type == Type.CHOICE) {
            // a boolean spelling reads best where one exists ("true" rather than "l1")
            return choices.entrySet().stream().filter(e -> e.getValue().equals(defaultValue)).map(Map.Entry::getKey)
                    .min(java.util.Comparator.comparing((String k) -> !k.equals("true") && !k.equals("false"))
                            .thenComparing(k -> k))
                    .orElse(defaultValue.toString());
        }
        // plain decimals, as users write them in YAML ("0.00001", not "1.0E-5")
        return new java.math.BigDecimal(defaultValue.toString()).stripTrailingZeros().toPlainString();
    }
}
