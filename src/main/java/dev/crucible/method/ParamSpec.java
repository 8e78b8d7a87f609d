package dev.crucible.method;

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
public record ParamSpec(String name, boolean perModel, Type type, Double defaultValue, boolean required, String help) {

    /** Value types; every value arrives as a double, as in mergekit after pydantic coercion. */
    public enum Type { FLOAT, BOOL, INT }

    public static ParamSpec requiredPerModel(String name, String help) {
        return new ParamSpec(name, true, Type.FLOAT, null, true, help);
    }

    public static ParamSpec optionalPerModel(String name, String help) {
        return new ParamSpec(name, true, Type.FLOAT, null, false, help);
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
        if (defaultValue == Math.rint(defaultValue) && Math.abs(defaultValue) < 1e15) {
            return Long.toString(defaultValue.longValue());
        }
        return defaultValue.toString();
    }
}
