package dev.crucible.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.crucible.config.ParameterSetting.Condition;
import dev.crucible.config.ParameterSetting.Conditional;
import dev.crucible.config.ParameterSetting.Gradient;
import dev.crucible.config.ParameterSetting.Scalar;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parameter values as written in YAML, after mergekit's coercions (merge-methods.md §2.2). */
class ParameterCoercionTest {

    /** A models: config whose top-level parameter {@code p} is written as {@code yamlValue}. */
    private static ParameterSetting parse(String yamlValue) {
        String yaml = """
                merge_method: linear
                models:
                  - model: a
                parameters:
                  p: %s
                """.formatted(yamlValue);
        return ConfigLoader.parse(yaml, "p.yml").parameters().get("p").orElseThrow();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0.5        | 0.5",
        "1          | 1.0",
        "1e-5       | 1e-5",
        "1.0e-5     | 1e-5",
        "0x10       | 16",
        "1_000      | 1000",
        "-.5        | -0.5",
        "true       | 1.0",
        "false      | 0.0",
        "yes        | 1.0",
        "Yes        | 1.0",
        "no         | 0.0",
        "on         | 1.0",
        "OFF        | 0.0",
    })
    void scalarsBecomeDoubles(String written, double expected) {
        assertEquals(new Scalar(expected), parse(written));
    }

    @Test
    void numericStringsAreCoerced() {
        assertEquals(new Scalar(1e-5), parse("'1e-5'"));
        assertEquals(new Scalar(2.5), parse("\" 2.5\""));
    }

    @Test
    void numberListIsAGradient() {
        assertEquals(new Gradient(new double[] {0, 0.5, 1}), parse("[0, 0.5, 1]"));
        assertEquals(new Gradient(new double[] {1, 0, 1e-5}), parse("[true, no, '1e-5']"));
    }

    @Test
    void conditionListKeepsOrderAndAcceptsGradientValues() {
        assertEquals(new Conditional(List.of(
                        new Condition("mlp", new Gradient(new double[] {0, 1})),
                        new Condition("*", new Scalar(0.5)),
                        new Condition(null, new Scalar(1)))),
                parse("[{filter: mlp, value: [0, 1]}, {filter: '*', value: 0.5}, {filter: null, value: on}]"));
    }

    @Test
    void singleConditionMappingIsAOneElementList() {
        assertEquals(new Conditional(List.of(new Condition("o_proj", new Scalar(0)))),
                parse("{filter: o_proj, value: 0}"));
    }

    @Test
    void aWordIsKeptAsALabelForTheParametersThatTakeOne() {
        // e.g. consensus: count; the planner rejects it for parameters that want a number
        assertEquals(new ParameterSetting.Label("abc"), parse("abc"));
    }

    @Test
    void otherNonNumericStringsAreRejected() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("'a b'"));
        assertEquals("p.yml:5: parameters.p: expected a number, got 'a b'", e.getMessage());
        assertThrows(ConfigException.class, () -> parse("[0.5, abc]"), "no words inside gradients");
    }

    @Test
    void emptyListIsRejected() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("[]"));
        assertEquals("p.yml:5: parameters.p: expected a number or a non-empty list of numbers, got []",
                e.getMessage());
    }

    @Test
    void emptyConditionValueIsRejected() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("[{filter: mlp, value: []}]"));
        assertEquals("p.yml:5: parameters.p[0].value: expected a number or a non-empty list of numbers, got []",
                e.getMessage());
    }

    @Test
    void nullIsRejected() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("~"));
        assertEquals("p.yml:5: parameters.p: expected a number, got null", e.getMessage());
    }

    @Test
    void mixedListIsRejectedAtTheOffendingItem() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("[0.5, {filter: mlp, value: 1}]"));
        assertEquals("p.yml:5: parameters.p[1]: expected a number, got {filter: 'mlp', value: 1}",
                e.getMessage());
    }

    @Test
    void conditionKeysOtherThanFilterAndValueAreRejected() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse("[{filter: mlp, valeu: 1}]"));
        assertEquals("p.yml:5: parameters.p[0].valeu: unknown key; did you mean 'value'?", e.getMessage());
    }

    @Test
    void conditionWithoutValueIsRejected() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("[{filter: mlp}]"));
        assertEquals("p.yml:5: parameters.p[0]: missing required key 'value'", e.getMessage());
    }

    @Test
    void nestedConditionsAreRejected() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse("[{filter: mlp, value: {filter: x, value: 1}}]"));
        assertEquals("p.yml:5: parameters.p[0].value: expected a number, got {filter: 'x', value: 1}",
                e.getMessage());
    }

    @Test
    void parameterNamesKeepTheirSpellingAndOrder() {
        String yaml = """
                merge_method: della
                models:
                  - model: a
                    parameters: {lambda: 0.5, density: 0.66, epsilon: 0.05}
                """;
        Parameters parameters = ConfigLoader.parse(yaml, "p.yml").models().getFirst().parameters();
        assertEquals(List.of("lambda", "density", "epsilon"), List.copyOf(parameters.values().keySet()));
        assertEquals(new Scalar(0.5), parameters.get("lambda").orElseThrow());
    }
}
