package dev.crucible.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every schema violation is a one-line {@code source:line: path: problem} error. */
class ConfigErrorsTest {

    private static String error(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "merge.yml")).getMessage();
    }

    @Test
    void unknownTopLevelKeySuggestsTheNearest() {
        assertEquals("merge.yml:4: merge_methd: unknown key; did you mean 'merge_method'?", error("""
                models:
                  - model: a
                dtype: float16
                merge_methd: linear
                """));
    }

    @Test
    void unknownKeyWithoutCloseMatchListsTheValidOnes() {
        assertEquals("merge.yml:3: models[0].colour: unknown key; expected one of model, parameters", error("""
                models:
                  - model: a
                    colour: red
                merge_method: linear
                """));
    }

    @Test
    void unknownNestedKeyNamesItsPath() {
        assertEquals("merge.yml:6: slices[0].sources[1].layer_ranges: unknown key; did you mean 'layer_range'?",
                error("""
                        slices:
                          - sources:
                              - model: a
                                layer_range: [0, 4]
                              - model: b
                                layer_ranges: [0, 4]
                        merge_method: slerp
                        """));
    }

    @Test
    void modelsAndSlicesTogether() {
        assertEquals("merge.yml:4: slices: Exactly one of 'models', 'slices', or 'modules' must be present",
                error("""
                        merge_method: linear
                        models:
                          - model: a
                        slices:
                          - sources:
                              - model: a
                                layer_range: [0, 2]
                        """));
    }

    @Test
    void noInputsAtAll() {
        assertEquals("merge.yml:1: Exactly one of 'models', 'slices', or 'modules' must be present",
                error("merge_method: linear\ndtype: bfloat16\n"));
    }

    @Test
    void emptyModelsListCountsAsAbsent() {
        assertEquals("merge.yml:1: Exactly one of 'models', 'slices', or 'modules' must be present",
                error("merge_method: linear\nmodels: []\n"));
    }

    @Test
    void moduleNeedsSlicesOrModels() {
        assertEquals("merge.yml:3: modules.vision_tower: Must specify either output slices or models to merge",
                error("""
                        merge_method: linear
                        modules:
                          vision_tower:
                            parameters: {weight: 1}
                        """));
    }

    @Test
    void tokenizerAndTokenizerSourceTogether() {
        assertEquals("merge.yml:5: tokenizer: Cannot specify both tokenizer_source and tokenizer", error("""
                merge_method: linear
                models:
                  - model: a
                tokenizer_source: union
                tokenizer:
                  source: base
                """));
    }

    @Test
    void mergeMethodIsRequired() {
        assertEquals("merge.yml:1: missing required key 'merge_method'", error("models:\n  - model: a\n"));
    }

    @Test
    void misspeltDtypeFailsAtLoad() {
        // mergekit issue #398: "bfloat" passed validation and failed only when the first tensor was cast.
        assertEquals("merge.yml:4: dtype: unknown dtype 'bfloat' (did you mean 'bfloat16'?); expected one of "
                + "bfloat16, float16, float32, int64, optionally prefixed 'torch.'", error("""
                merge_method: linear
                models:
                  - model: a
                dtype: bfloat
                """));
    }

    @Test
    void outDtypeIsCheckedToo() {
        assertTrue(error("merge_method: linear\nmodels: [{model: a}]\nout_dtype: fp8\n")
                .startsWith("merge.yml:3: out_dtype: unknown dtype 'fp8'"));
    }

    @Test
    void layerRangeNeedsTwoIntegers() {
        assertEquals("merge.yml:4: slices[0].sources[0].layer_range: expected two integers [start, end], got [0]",
                error(sliceWithRange("[0]")));
        assertEquals("merge.yml:4: slices[0].sources[0].layer_range: expected two integers [start, end], got 4",
                error(sliceWithRange("4")));
        assertEquals("merge.yml:4: slices[0].sources[0].layer_range[1]: expected an integer, got 2.5",
                error(sliceWithRange("[0, 2.5]")));
    }

    @Test
    void layerRangeMustBeOrderedAndNonNegative() {
        assertEquals("merge.yml:4: slices[0].sources[0].layer_range: start must not be greater than end, "
                + "got [8, 4]", error(sliceWithRange("[8, 4]")));
        assertEquals("merge.yml:4: slices[0].sources[0].layer_range: layer indices must be non-negative, "
                + "got [-1, 4]", error(sliceWithRange("[-1, 4]")));
    }

    private static String sliceWithRange(String range) {
        return """
                slices:
                  - sources:
                      - model: a
                        layer_range: %s
                merge_method: passthrough
                """.formatted(range);
    }

    @Test
    void slicesNeedSources() {
        assertEquals("merge.yml:2: slices[0].sources: a slice needs at least one source",
                error("slices:\n  - sources: []\nmerge_method: passthrough\n"));
    }

    @Test
    void sourcesOfOneSliceMustHaveTheSameLength() {
        assertEquals("merge.yml:6: slices[0].sources[1].layer_range: All inputs to a slice must contain the same "
                + "number of layers (20 here, 24 in the slice's first source)", error("""
                slices:
                  - sources:
                      - model: a
                        layer_range: [0, 24]
                      - model: b
                        layer_range: [20, 40]
                merge_method: slerp
                """));
    }

    @Test
    void modelReferenceWithTwoPluses() {
        assertEquals("merge.yml:2: models[0].model: Can't parse a+b+c - more than one '+'",
                error("models:\n  - model: a+b+c\nmerge_method: linear\n"));
    }

    @Test
    void modelReferenceWithTwoAts() {
        assertEquals("merge.yml:1: base_model: Invalid model path - multiple @: org/m@v1@v2",
                error("base_model: org/m@v1@v2\nmodels: [{model: a}]\nmerge_method: linear\n"));
    }

    @Test
    void duplicateKeyNamesBothLines() {
        assertEquals("merge.yml:5: models[0].parameters.weight: duplicate key (first defined on line 4)", error("""
                models:
                  - model: a
                    parameters:
                      weight: 0.5
                      weight: 0.7
                merge_method: linear
                """));
    }

    @Test
    void multipleDocumentsAreRejected() {
        String message = error("merge_method: linear\nmodels: [{model: a}]\n---\nmerge_method: slerp\n");
        assertTrue(message.startsWith("merge.yml:3: invalid YAML: "), message);
        assertTrue(message.contains("single document"), message);
    }

    @Test
    void billionLaughsIsRejectedQuickly() {
        StringBuilder yaml = new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i < 10; i++) {
            yaml.append("a").append(i).append(": &a").append(i).append(" [");
            yaml.append(("*a" + (i - 1) + ", ").repeat(8)).append("*a").append(i - 1).append("]\n");
        }
        yaml.append("merge_method: linear\nmodels: [{model: a}]\n");
        String message = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> error(yaml.toString()));
        assertTrue(message.startsWith("merge.yml: invalid YAML: "), message);
    }

    @Test
    void deepNestingIsRejected() {
        String message = error("parameters: {p: " + "[".repeat(200) + "]".repeat(200) + "}\n");
        assertTrue(message.contains("invalid YAML"), message);
    }

    @Test
    void syntaxErrorsCarryTheirLine() {
        String message = error("merge_method: linear\nmodels:\n  - model: [a\n");
        assertTrue(message.matches("merge\\.yml:\\d+: invalid YAML: .*"), message);
        assertTrue(!message.contains("\n"), message);
    }

    @Test
    void emptyAndNonMappingDocuments() {
        assertEquals("merge.yml: the config is empty", error(""));
        assertEquals("merge.yml:1: expected a mapping, got 'linear'", error("linear\n"));
    }

    @Test
    void nonStringKeysAreRejected() {
        assertEquals("merge.yml:4: parameters: expected a string key, got 1",
                error("merge_method: linear\nmodels: [{model: a}]\nparameters:\n  1: 0.5\n"));
    }

    @Test
    void wrongScalarTypes() {
        assertEquals("merge.yml:1: merge_method: expected a string, got 12",
                error("merge_method: 12\nmodels: [{model: a}]\n"));
        assertEquals("merge.yml:3: chat_template: expected a string, got [1]",
                error("merge_method: linear\nmodels: [{model: a}]\nchat_template: [1]\n"));
        assertEquals("merge.yml:1: models: expected a list, got {model: 'a'}",
                error("models: {model: a}\nmerge_method: linear\n"));
    }

    @Test
    void residualWeightIsAcceptedButMustBeANumber() {
        String slices = """
                slices:
                  - sources:
                      - model: a
                        layer_range: [0, 2]
                    residual_weight: %s
                merge_method: passthrough
                """;
        ConfigLoader.parse(slices.formatted("0.5"), "merge.yml");
        assertEquals("merge.yml:5: slices[0].residual_weight: expected a number, got 'half'",
                error(slices.formatted("half")));
    }
}
