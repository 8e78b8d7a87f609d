package dev.crucible.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The model reference grammar and mapping form of config-and-cli.md §3. */
class ModelReferenceTest {

    @Test
    void plainPath() {
        ModelReference ref = ModelReference.parse("org/model");
        assertEquals(new ModelReference("org/model", null, null, null, null), ref);
        assertFalse(ref.hasLora());
        assertEquals("org/model", ref.text());
    }

    @Test
    void revisionsAndLora() {
        ModelReference ref = ModelReference.parse("org/model@main+org/adapter@v2");
        assertEquals(new ModelReference("org/model", "main", "org/adapter", "v2", null), ref);
        assertTrue(ref.hasLora());
        assertEquals("org/model@main+org/adapter@v2", ref.text());
        assertEquals(ref.text(), ref.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/models/a", "a@rev", "a+lora", "a+lora@r", "a@r+lora"})
    void textRoundTrips(String text) {
        assertEquals(text, ModelReference.parse(text).text());
    }

    @Test
    void badGrammarIsRejected() {
        assertEquals("Can't parse a+b+c - more than one '+'",
                assertThrows(IllegalArgumentException.class, () -> ModelReference.parse("a+b+c")).getMessage());
        assertEquals("Invalid model path - multiple @: a@b@c",
                assertThrows(IllegalArgumentException.class, () -> ModelReference.parse("a@b@c")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ModelReference.parse("a+"));
        assertThrows(IllegalArgumentException.class, () -> ModelReference.parse("a@"));
        assertThrows(IllegalArgumentException.class, () -> ModelReference.parse(""));
    }

    @Test
    void mappingFormWithOverride() {
        String yaml = """
                merge_method: linear
                models:
                  - model:
                      model: {path: org/base, revision: r1}
                      lora: org/adapter@r2
                      override_architecture: MistralForCausalLM
                  - model: {model: org/other}
                """;
        MergeConfig config = ConfigLoader.parse(yaml, "m.yml");
        ModelReference first = config.models().getFirst().model();
        assertEquals(new ModelReference("org/base", "r1", "org/adapter", "r2", "MistralForCausalLM"), first);
        assertEquals("org/base@r1+org/adapter@r2", first.text());
        assertEquals(ModelReference.parse("org/other"), config.models().get(1).model());
        assertNotEquals(ModelReference.parse("org/base@r1+org/adapter@r2"), first);
        assertEquals(4, config.lines().line("models[0].model.model"));
        assertEquals(6, config.lines().line("models[0].model.override_architecture"));
    }

    @Test
    void mappingFormErrors() {
        ConfigException missing = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("merge_method: linear\nmodels:\n  - model: {lora: x}\n", "m.yml"));
        assertEquals("m.yml:3: models[0].model: missing required key 'model'", missing.getMessage());
        ConfigException unknown = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("merge_method: linear\nmodels:\n  - model: {model: {path: a, rev: b}}\n",
                        "m.yml"));
        assertEquals("m.yml:3: models[0].model.model.rev: unknown key; expected one of path, revision",
                unknown.getMessage());
    }
}
