package dev.crucible.config;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The value of one merge parameter as written in the config (merge-methods.md §2.2): a number, a gradient
 * over the layer position {@code t}, or a list of filtered conditions.
 */
public sealed interface ParameterSetting
        permits ParameterSetting.Scalar, ParameterSetting.Gradient, ParameterSetting.Conditional,
        ParameterSetting.Label {

    /**
     * merge-methods.md §2.3 EVAL for tensor {@code tensorName} at position {@code t} in [0, 1], in binary64 and in
     * exactly mergekit's operation order so results are bit-identical; empty when no condition matches, which
     * sends resolution on to the next precedence level.
     */
    OptionalDouble evaluate(String tensorName, double t);

    /** A plain number; booleans are already 1.0 or 0.0. */
    record Scalar(double value) implements ParameterSetting {
        @Override
        public OptionalDouble evaluate(String tensorName, double t) {
            return OptionalDouble.of(value);
        }
    }

    /**
     * A word naming a choice, for the few parameters that take one (e.g. {@code consensus: count}); the planner
     * turns it into the parameter's code or reports that the parameter wants a number. It has no numeric value.
     */
    record Label(String text) implements ParameterSetting {
        @Override
        public OptionalDouble evaluate(String tensorName, double t) {
            throw new IllegalStateException("'" + text + "' is a word, not a number; resolve it by its parameter");
        }
    }

    /** Values spread evenly over t in [0, 1], linearly interpolated between neighbours. */
    record Gradient(double[] values) implements ParameterSetting {
        public Gradient {
            if (values.length == 0) {
                throw new IllegalArgumentException("a gradient needs at least one value");
            }
            values = values.clone();
        }

        /** A copy, so the record stays immutable. */
        @Override
        public double[] values() {
            return values.clone();
        }

        @Override
        public OptionalDouble evaluate(String tensorName, double t) {
            if (!(t >= 0 && t <= 1)) {
                throw new IllegalArgumentException("gradient position t must lie in [0, 1], got " + t);
            }
            int last = values.length - 1;
            double scaled = t * last;
            int i0 = (int) scaled;
            int i1 = Math.min(last, i0 + 1);
            double fraction = scaled - i0;
            return OptionalDouble.of((1 - fraction) * values[i0] + fraction * values[i1]);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Gradient g && Arrays.equals(values, g.values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return "Gradient" + Arrays.toString(values);
        }
    }

    /**
     * One entry of a conditional list: applies when {@code filter} is null, {@code "*"}, or a case-sensitive
     * substring of the tensor name.
     */
    record Condition(String filter, ParameterSetting value) {
        public Condition {
            if (value instanceof Conditional) {
                throw new IllegalArgumentException("a condition's value must be a number or a gradient");
            }
        }

        boolean matches(String tensorName) {
            return filter == null || filter.equals("*")
                    || (tensorName != null && !tensorName.isEmpty() && tensorName.contains(filter));
        }
    }

    /** Conditions tried in order; the first that matches decides. */
    record Conditional(List<Condition> conditions) implements ParameterSetting {
        public Conditional {
            conditions = List.copyOf(conditions);
        }

        @Override
        public OptionalDouble evaluate(String tensorName, double t) {
            for (Condition condition : conditions) {
                if (condition.matches(tensorName)) {
                    return condition.value().evaluate(tensorName, t);
                }
            }
            return OptionalDouble.empty();
        }
    }
}
