package dev.crucible.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crucible.config.ParameterSetting.Condition;
import dev.crucible.config.ParameterSetting.Conditional;
import dev.crucible.config.ParameterSetting.Gradient;
import dev.crucible.config.ParameterSetting.Scalar;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** EVAL of merge-methods.md §2.3: gradient interpolation and filter precedence. */
class ParameterSettingTest {
    private static final Gradient WEIGHT = new Gradient(new double[] {0, 0.3, 0.7, 1});
    private static final Gradient DENSITY = new Gradient(new double[] {1, 0.7, 0.1});
    private static final Gradient T = new Gradient(new double[] {0, 0.5, 0.3, 0.7, 1});

    /** The test-vector table for a 40-layer model in the models: form, where t = idx / 39. */
    @ParameterizedTest
    @CsvSource({
        "0,  0.0,                 0.0,                  1.0,                0.0",
        "1,  0.02564102564102564, 0.023076923076923078, 0.9846153846153846, 0.05128205128205128",
        "13, 0.3333333333333333,  0.3,                  0.8,                0.43333333333333335",
        "20, 0.5128205128205128,  0.5153846153846153,   0.6846153846153846, 0.32051282051282043",
        "26, 0.6666666666666666,  0.7,                  0.5,                0.5666666666666665",
        "38, 0.9743589743589743,  0.9769230769230769,   0.1307692307692308, 0.9692307692307692",
        "39, 1.0,                 1.0,                  0.1,                1.0",
    })
    void gradientsMatchMergekitBitForBit(int layer, double t, double weight, double density, double slerpT) {
        double position = layer / 39.0;
        assertEquals(t, position);
        assertEquals(weight, evaluate(WEIGHT, position));
        assertEquals(density, evaluate(DENSITY, position));
        assertEquals(slerpT, evaluate(T, position));
    }

    private static double evaluate(ParameterSetting setting, double t) {
        return setting.evaluate("model.layers.0.mlp.up_proj.weight", t).orElseThrow();
    }

    @Test
    void scalarIgnoresNameAndPosition() {
        assertEquals(OptionalDouble.of(0.25), new Scalar(0.25).evaluate("", 0.7));
    }

    @Test
    void singleValueGradientIsConstant() {
        assertEquals(OptionalDouble.of(4), new Gradient(new double[] {4}).evaluate("x", 0.5));
    }

    @Test
    void gradientRejectsPositionOutsideUnitInterval() {
        assertThrows(IllegalArgumentException.class, () -> WEIGHT.evaluate("x", 1.5));
        assertThrows(IllegalArgumentException.class, () -> WEIGHT.evaluate("x", Double.NaN));
    }

    @Test
    void firstMatchingConditionWins() {
        Conditional setting = new Conditional(List.of(
                new Condition("self_attn", new Scalar(1)),
                new Condition("mlp", T),
                new Condition("*", new Scalar(3)),
                new Condition(null, new Scalar(4))));
        assertEquals(OptionalDouble.of(1), setting.evaluate("model.layers.3.self_attn.q_proj.weight", 0.5));
        assertEquals(OptionalDouble.of(0.3), setting.evaluate("model.layers.3.mlp.up_proj.weight", 0.5));
        assertEquals(OptionalDouble.of(3), setting.evaluate("model.norm.weight", 0.5));
    }

    @Test
    void nullFilterMatchesEverythingIncludingNoName() {
        Conditional setting = new Conditional(List.of(new Condition("mlp", new Scalar(1)),
                new Condition(null, new Scalar(2))));
        assertEquals(OptionalDouble.of(2), setting.evaluate("lm_head.weight", 0));
        assertEquals(OptionalDouble.of(2), setting.evaluate(null, 0));
    }

    @Test
    void substringFiltersAreCaseSensitiveAndNeverMatchEmptyNames() {
        Conditional setting = new Conditional(List.of(new Condition("MLP", new Scalar(1)),
                new Condition("", new Scalar(2))));
        assertEquals(OptionalDouble.of(2), setting.evaluate("model.layers.0.mlp.down_proj.weight", 0));
        assertEquals(OptionalDouble.empty(), setting.evaluate("", 0));
        assertEquals(OptionalDouble.empty(), setting.evaluate(null, 0));
    }

    @Test
    void noMatchingConditionIsEmpty() {
        Conditional setting = new Conditional(List.of(new Condition("o_proj", new Scalar(0))));
        assertEquals(OptionalDouble.empty(), setting.evaluate("model.layers.0.self_attn.q_proj.weight", 0));
    }

    @Test
    void gradientComparesByContentAndIsImmutable() {
        double[] values = {0, 1};
        Gradient gradient = new Gradient(values);
        values[0] = 9;
        assertEquals(new Gradient(new double[] {0, 1}), gradient);
        assertEquals(new Gradient(new double[] {0, 1}).hashCode(), gradient.hashCode());
        gradient.values()[1] = 9;
        assertNotEquals(new Gradient(new double[] {0, 9}), gradient);
        assertTrue(gradient.toString().contains("[0.0, 1.0]"));
    }

    @Test
    void invalidShapesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Gradient(new double[0]));
        Conditional nested = new Conditional(List.of(new Condition(null, new Scalar(1))));
        assertThrows(IllegalArgumentException.class, () -> new Condition("x", nested));
    }
}
