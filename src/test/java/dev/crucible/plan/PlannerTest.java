package dev.crucible.plan;

import dev.crucible.CrucibleException;
import dev.crucible.TestModels;
import dev.crucible.Warnings;
import dev.crucible.config.ConfigLoader;
import dev.crucible.demo.TinyLlama;
import dev.crucible.io.DType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlannerTest {
    @TempDir
    Path dir;
    Path a;
    Path b;
    Path base;
    Warnings warnings;

    @BeforeEach
    void models() {
        base = TestModels.model(dir, "base", TestModels.SMALL, 0f);
        a = TestModels.model(dir, "a", TestModels.SMALL, 0.01f);
        b = TestModels.model(dir, "b", TestModels.SMALL, -0.01f);
        warnings = new Warnings();
    }

    private MergePlan plan(String yaml) {
        return Planner.plan(ConfigLoader.parse(yaml, "merge.yml"), Planner.Options.DEFAULT, warnings);
    }

    private static TensorJob job(MergePlan plan, String name) {
        return plan.jobs().stream().filter(j -> j.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void modelsFormOrdersTensorsAndSpreadsGradientsOverLayers() {
        try (MergePlan plan = plan("""
                merge_method: linear
                models:
                  - model: %s
                    parameters: {weight: [0, 0.3, 1]}
                  - model: %s
                    parameters: {weight: 1}
                """.formatted(a, b))) {
            List<String> names = plan.jobs().stream().map(TensorJob::name).toList();
            assertEquals("model.embed_tokens.weight", names.getFirst());
            assertEquals(List.of("lm_head.weight", "model.norm.weight"), names.subList(names.size() - 2, names.size()));
            assertEquals(1 + 4 * 9 + 2, names.size());
            // t = idx / (L - 1) over the 4 layers; pre and post weights at t = 0.
            double[] expectedT = {0, 1.0 / 3, 2.0 / 3, 1};
            // EVAL of [0, 0.3, 1]: s = 2t, then (1 - f)·L[i0] + f·L[i1] in binary64 (merge-methods.md §2.3)
            double[] expectedWeight = {0, (1 - 2.0 / 3) * 0 + (2.0 / 3) * 0.3,
                (1 - (4.0 / 3 - 1)) * 0.3 + (4.0 / 3 - 1) * 1, 1};
            for (int l = 0; l < 4; l++) {
                TensorJob j = job(plan, "model.layers." + l + ".mlp.up_proj.weight");
                assertEquals(expectedT[l], j.t(), 0.0);
                assertEquals(expectedWeight[l], j.inputs().getFirst().params().get("weight"), 0.0);
            }
            assertEquals(0.0, job(plan, "model.embed_tokens.weight").inputs().getFirst().params().get("weight"));
            assertEquals(0.0, job(plan, "lm_head.weight").t());
            assertTrue(plan.layerCounts().isEmpty());
            assertTrue(plan.unconsumed().isEmpty());
            assertEquals(DType.BF16, job(plan, "model.norm.weight").dtype());
        }
    }

    @Test
    void unlistedBaseIsAppendedAsAnOrdinaryInputWithoutParameters() {
        try (MergePlan plan = plan("""
                merge_method: linear
                base_model: %s
                models:
                  - model: %s
                    parameters: {weight: 1}
                """.formatted(base, a))) {
            TensorJob j = job(plan, "model.layers.0.self_attn.q_proj.weight");
            assertEquals(2, j.inputs().size());
            assertTrue(j.inputs().get(1).isBase());
            assertFalse(j.inputs().get(1).params().containsKey("weight"));
            assertEquals(0, plan.donor()); // the base is opened first and donates config.json
        }
    }

    @Test
    void filtersMatchTheInputNameAndGlobalsTheOutputName() {
        try (MergePlan plan = plan("""
                merge_method: linear
                models:
                  - model: %s
                    parameters:
                      weight:
                        - filter: mlp
                          value: 0.25
                        - value: 0.75
                  - model: %s
                    parameters: {weight: 1}
                parameters:
                  normalize:
                    - filter: self_attn
                      value: false
                """.formatted(a, b))) {
            assertEquals(0.25, job(plan, "model.layers.1.mlp.down_proj.weight").inputs().getFirst().params()
                    .get("weight"));
            assertEquals(0.75, job(plan, "model.layers.1.self_attn.q_proj.weight").inputs().getFirst().params()
                    .get("weight"));
            assertEquals(0.0, job(plan, "model.layers.1.self_attn.q_proj.weight").global().get("normalize"));
            // no filter matched at any level: the method default (true)
            assertEquals(1.0, job(plan, "model.layers.1.mlp.up_proj.weight").global().get("normalize"));
        }
    }

    @Test
    void slicesStackLayersRenumberAndTakeHeadFromTheLastSlice() {
        try (MergePlan plan = plan("""
                merge_method: passthrough
                slices:
                  - sources:
                      - model: %s
                        layer_range: [0, 3]
                  - sources:
                      - model: %s
                        layer_range: [1, 4]
                        parameters:
                          scale:
                            - filter: layers.3.
                              value: 0.5
                """.formatted(a, b))) {
            assertEquals(6, plan.layerCounts().getFirst().layers());
            TensorJob fromB = job(plan, "model.layers.3.mlp.up_proj.weight");
            assertEquals("model.layers.1.mlp.up_proj.weight", fromB.inputs().getFirst().tensor());
            assertEquals(1, fromB.inputs().getFirst().model());
            assertEquals(0.0, fromB.t());
            // the scale filter sees the input name, whose source layer index is 3 for output layer 5
            assertFalse(fromB.inputs().getFirst().params().containsKey("scale"));
            assertEquals(0.5, job(plan, "model.layers.5.mlp.up_proj.weight").inputs().getFirst().params()
                    .get("scale"));
            assertEquals(0, job(plan, "model.embed_tokens.weight").inputs().getFirst().model());
            assertEquals(1, job(plan, "lm_head.weight").inputs().getFirst().model());
            assertEquals(List.of(new MergePlan.LayerOrigin(0, 0), new MergePlan.LayerOrigin(0, 1),
                    new MergePlan.LayerOrigin(0, 2), new MergePlan.LayerOrigin(1, 1), new MergePlan.LayerOrigin(1, 2),
                    new MergePlan.LayerOrigin(1, 3)), plan.layerCounts().getFirst().origins());
            // a's layer 3 and head, b's layer 0 and embeddings are read by nothing, and the plan says so
            assertTrue(plan.unconsumed().contains(a + ": lm_head.weight"));
            assertTrue(plan.unconsumed().contains(a + ": model.layers.3.mlp.up_proj.weight"));
            assertTrue(plan.unconsumed().contains(b + ": model.embed_tokens.weight"));
            assertTrue(plan.unconsumed().contains(b + ": model.layers.0.self_attn.v_proj.weight"));
            assertEquals(2 + 9 + 9 + 1, plan.unconsumed().size());
        }
    }

    @Test
    void oneLayerSliceTakesTheLastGradientValue() {
        try (MergePlan plan = plan("""
                merge_method: linear
                slices:
                  - sources:
                      - model: %s
                        layer_range: [2, 3]
                        parameters: {weight: [0.1, 0.9]}
                """.formatted(a))) {
            assertEquals(1.0, job(plan, "model.layers.0.mlp.up_proj.weight").t());
            assertEquals(0.9, job(plan, "model.layers.0.mlp.up_proj.weight").inputs().getFirst().params()
                    .get("weight"));
            assertEquals(0.1, job(plan, "model.embed_tokens.weight").inputs().getFirst().params().get("weight"));
        }
    }

    @Test
    void tiedDonorWritesNoHeadAndWarns() {
        TestModels.editConfig(a, c -> c.put("tie_word_embeddings", true));
        try (MergePlan plan = plan("""
                merge_method: linear
                models:
                  - model: %s
                    parameters: {weight: 1}
                  - model: %s
                    parameters: {weight: 1}
                """.formatted(a, b))) {
            assertTrue(plan.jobs().stream().noneMatch(j -> j.name().equals("lm_head.weight")));
            assertTrue(plan.unconsumed().isEmpty(), "dropped heads are explicit, not unconsumed");
            assertTrue(warnings.messages().stream().anyMatch(m -> m.contains("ties its embeddings")));
        }
    }

    @Test
    void untiedDonorMergesHeadsAndTiedInputsContributeTheirEmbeddings() {
        Path tied = TestModels.model(dir, "tied", new TinyLlama(4, 8, 12, 16, true, DType.BF16), 0f);
        try (MergePlan plan = plan("""
                merge_method: linear
                models:
                  - model: %s
                    parameters: {weight: 1}
                  - model: %s
                    parameters: {weight: 1}
                """.formatted(a, tied))) {
            TensorJob head = job(plan, "lm_head.weight");
            assertEquals("lm_head.weight", head.inputs().get(0).tensor());
            assertEquals("model.embed_tokens.weight", head.inputs().get(1).tensor());
        }
    }

    @Test
    void unknownMethodListsTheValidOnesWithItsLine() {
        CrucibleException e = assertThrows(CrucibleException.class, () -> plan("""
                models:
                  - model: %s
                merge_method: lineer
                """.formatted(a)));
        assertTrue(e.getMessage().startsWith("merge.yml:3: merge_method: unknown merge method 'lineer'"),
                e.getMessage());
        assertTrue(e.getMessage().contains("karcher, linear, model_stock"), e.getMessage());
    }

    @Test
    void missingRequiredWeightNamesModelTensorAndLine() {
        CrucibleException e = assertThrows(CrucibleException.class, () -> plan("""
                merge_method: linear
                models:
                  - model: %s
                    parameters: {weight: 1}
                  - model: %s
                """.formatted(a, b)));
        assertTrue(e.getMessage().startsWith("merge.yml:5: models[1]: Missing required parameter weight for " + b
                + ".model.embed_tokens.weight"), e.getMessage());
    }

    @Test
    void booleanGradientThatResolvesBetweenValuesIsAnError() {
        CrucibleException e = assertThrows(CrucibleException.class, () -> plan("""
                merge_method: linear
                models:
                  - model: %s
                    parameters: {weight: 1}
                parameters:
                  normalize: [true, false, true]
                """.formatted(a)));
        assertTrue(e.getMessage().contains("merge.yml:6: parameters.normalize: normalize is a boolean but resolves"
                + " to 0.33333333333333337 for model.layers.1."), e.getMessage());
    }

    @Test
    void wordsAreAcceptedOnlyWhereTheParameterNamesChoices() {
        try (MergePlan plan = plan("""
                merge_method: ties
                base_model: %s
                models:
                  - model: %s
                    parameters: {weight: 1, density: 0.5}
                parameters: {consensus: count}
                """.formatted(base, a))) {
            assertEquals(1.0, job(plan, "model.norm.weight").global().get("consensus"));
        }
        CrucibleException e = assertThrows(CrucibleException.class, () -> plan("""
                merge_method: ties
                base_model: %s
                models:
                  - model: %s
                    parameters: {weight: half}
                """.formatted(base, a)));
        assertEquals("merge.yml:5: models[0].parameters.weight: weight takes a number, not 'half'",
                e.getMessage());
        CrucibleException choice = assertThrows(CrucibleException.class, () -> plan("""
                merge_method: ties
                base_model: %s
                models:
                  - model: %s
                    parameters: {weight: 1}
                parameters: {consensus: most}
                """.formatted(base, a)));
        assertTrue(choice.getMessage().endsWith("consensus takes one of [count, sum, sum_unweighted], not 'most'"),
                choice.getMessage());
    }

    @Test
    void layerRangeBeyondTheModelIsAnError() {
        CrucibleException e = assertThrows(CrucibleException.class, () -> plan("""
                merge_method: passthrough
                slices:
                  - sources:
                      - model: %s
                        layer_range: [2, 6]
                """.formatted(a)));
        assertTrue(e.getMessage().startsWith("merge.yml:5: slices[0].sources[0].layer_range: layer_range [2, 6]"
                + " exceeds the 4 layers of"), e.getMessage());
    }

    @Test
    void modelsOfDifferentDepthCannotShareASlice() {
        Path deep = TestModels.model(dir, "deep", new TinyLlama(5, 8, 12, 16, false, DType.BF16), 0f);
        CrucibleException e = assertThrows(CrucibleException.class, () -> plan("""
                merge_method: linear
                models:
                  - model: %s
                    parameters: {weight: 1}
                  - model: %s
                    parameters: {weight: 1}
                """.formatted(a, deep)));
        assertTrue(e.getMessage().contains("All inputs to a slice must contain the same number of layers: " + a
                + " has 4, " + deep + " has 5"), e.getMessage());
    }

    @Test
    void differentArchitecturesNeedAllowCrimes() {
        TestModels.editConfig(b, c -> c.putArray("architectures").add("MistralForCausalLM"));
        String yaml = """
                merge_method: linear
                models:
                  - model: %s
                    parameters: {weight: 1}
                  - model: %s
                    parameters: {weight: 1}
                """.formatted(a, b);
        CrucibleException e = assertThrows(CrucibleException.class, () -> plan(yaml));
        assertTrue(e.getMessage().contains("--allow-crimes"), e.getMessage());
        Planner.plan(ConfigLoader.parse(yaml, "merge.yml"), new Planner.Options(true), warnings).close();
    }

    @Test
    void shapeMismatchOutsideEmbeddingsNamesEveryInputShape() {
        Path wideMlp = TestModels.model(dir, "wide", new TinyLlama(4, 8, 16, 16, false, DType.BF16), 0f);
        CrucibleException e = assertThrows(CrucibleException.class, () -> plan("""
                merge_method: linear
                models:
                  - model: %s
                    parameters: {weight: 1}
                  - model: %s
                    parameters: {weight: 1}
                """.formatted(a, wideMlp)));
        assertEquals("model.layers.0.mlp.down_proj.weight: shape mismatch: " + a + " [8, 12], " + wideMlp
                + " [8, 16]", e.getMessage());
    }

    @Test
    void embeddingsOfDifferentVocabulariesAreRectified() {
        Path bigVocab = TestModels.model(dir, "big", new TinyLlama(4, 8, 12, 20, false, DType.BF16), 0f);
        try (MergePlan plan = plan("""
                merge_method: linear
                models:
                  - model: %s
                    parameters: {weight: 1}
                  - model: %s
                    parameters: {weight: 1}
                """.formatted(bigVocab, a))) {
            // no separate base: the common submatrix, the smallest vocabulary
            assertArrayEquals(new long[] {16, 8}, job(plan, "model.embed_tokens.weight").shape());
            assertArrayEquals(new long[] {16, 8}, job(plan, "lm_head.weight").shape());
            assertTrue(warnings.messages().stream().anyMatch(m -> m.contains("embedding sizes differ")));
        }
        try (MergePlan plan = plan("""
                merge_method: task_arithmetic
                base_model: %s
                models:
                  - model: %s
                    parameters: {weight: 1}
                """.formatted(a, bigVocab))) {
            // base-relative: cut to the base's rows
            assertArrayEquals(new long[] {16, 8}, job(plan, "model.embed_tokens.weight").shape());
        }
        CrucibleException grow = assertThrows(CrucibleException.class, () -> plan("""
                merge_method: task_arithmetic
                base_model: %s
                models:
                  - model: %s
                    parameters: {weight: 1}
                """.formatted(bigVocab, a)));
        assertTrue(grow.getMessage().contains("cannot grow"), grow.getMessage());
    }

    @Test
    void passthroughRejectsTwoInputsPerTensor() {
        CrucibleException e = assertThrows(CrucibleException.class, () -> plan("""
                merge_method: passthrough
                models:
                  - model: %s
                  - model: %s
                """.formatted(a, b)));
        assertTrue(e.getMessage().contains("passthrough expects exactly one model per tensor, got 2"),
                e.getMessage());
    }

    @Test
    void unusedAndMisplacedParametersAreReported() {
        plan("""
                merge_method: linear
                models:
                  - model: %s
                    parameters: {weight: 1, normalize: false, density: 0.5}
                """.formatted(a)).close();
        assertTrue(warnings.messages().stream().anyMatch(m -> m.contains("'density' is not used by linear")));
        assertTrue(warnings.messages().stream().anyMatch(m -> m.startsWith("merge.yml:4: models[0].parameters"
                + ".normalize: 'normalize' is a global parameter")), warnings.messages().toString());
    }

    @Test
    void hubIdsAndLorasAreRefusedClearly() {
        CrucibleException e = assertThrows(CrucibleException.class, () -> plan("""
                merge_method: linear
                models:
                  - model: mistralai/Mistral-7B-v0.1
                    parameters: {weight: 1}
                """));
        assertTrue(e.getMessage().startsWith("merge.yml:3: models[0].model: mistralai/Mistral-7B-v0.1: no such local"
                + " directory"), e.getMessage());
        CrucibleException lora = assertThrows(CrucibleException.class, () -> plan("""
                merge_method: linear
                models:
                  - model: %s+some/adapter
                    parameters: {weight: 1}
                """.formatted(a)));
        assertTrue(lora.getMessage().contains("LoRA adapters"), lora.getMessage());
    }
}
