package dev.crucible.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crucible.TestModels;
import dev.crucible.demo.TinyLlama;
import dev.crucible.io.Checkpoint;
import dev.crucible.io.DType;
import dev.crucible.io.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.crucible.cli.MergeCommandTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** mergekit's multi-module example (config-and-cli.md §10.5) on generated Gemma-3-shaped models. */
class ModulesMergeTest {
    @TempDir
    Path dir;

    /** Text decoder (62 layers, as Gemma 3 27B), vision tower (2 layers) and projector, with Gemma 3's names. */
    private Path gemma(String name, float offset) {
        List<TensorSpec> tensors = new ArrayList<>();
        for (TensorSpec t : new TinyLlama(62, 8, 12, 16, true, DType.F32).tensors()) {
            tensors.add(new TensorSpec("language_model." + t.name(), DType.F32, t.shape()));
        }
        tensors.add(new TensorSpec("vision_tower.vision_model.embeddings.patch_embedding.weight", DType.F32,
                new long[] {8, 4}));
        for (int l = 0; l < 2; l++) {
            tensors.add(new TensorSpec("vision_tower.vision_model.encoder.layers." + l + ".mlp.fc1.weight",
                    DType.F32, new long[] {8, 8}));
        }
        tensors.add(new TensorSpec("vision_tower.vision_model.post_layernorm.weight", DType.F32, new long[] {8}));
        tensors.add(new TensorSpec("multi_modal_projector.mm_input_projection_weight", DType.F32, new long[] {8, 8}));
        ObjectNode config = new ObjectMapper().createObjectNode();
        config.putArray("architectures").add("Gemma3ForConditionalGeneration");
        config.putObject("text_config").put("num_hidden_layers", 62).put("vocab_size", 16);
        config.putObject("vision_config").put("num_hidden_layers", 2);
        return TestModels.custom(dir.resolve(name), tensors,
                (t, i, b) -> (float) Math.sin(t.hashCode() + i) + offset * (i % 2 == 0 ? 1 : -1), config);
    }

    @Test
    void gemma3ModulesExampleMergesEachModuleOnItsOwn() throws IOException {
        Path it = gemma("it", 0f);
        Path tiger = gemma("tiger", 0.25f);
        String yaml;
        try (InputStream in = getClass().getResourceAsStream("/config/gemma3-modules.yml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path config = dir.resolve("gemma.yml");
        Files.writeString(config, yaml.replace("unsloth/gemma-3-27b-it", it.toString())
                .replace("TheDrummer/Big-Tiger-Gemma-27B-v3", tiger.toString()));
        Path out = dir.resolve("out");
        MergeCommandTest.Run r = cli("merge", config.toString(), out.toString(), "--quiet");
        assertEquals(0, r.status(), r.err());
        try (Checkpoint merged = Checkpoint.open(out); Checkpoint base = Checkpoint.open(it)) {
            assertEquals(base.tensorNames(), merged.tensorNames());
            // the text decoder is a slerp of both models; vision tower and projector come from the base alone
            assertNotEquals(-1, merged.data("language_model.model.layers.30.mlp.up_proj.weight")
                    .mismatch(base.data("language_model.model.layers.30.mlp.up_proj.weight")));
            for (String name : List.of("vision_tower.vision_model.encoder.layers.1.mlp.fc1.weight",
                    "multi_modal_projector.mm_input_projection_weight")) {
                assertEquals(DType.BF16, merged.info(name).dtype());
                float[] m = TestModels.floats(out, name);
                float[] b = TestModels.floats(it, name);
                for (int i = 0; i < m.length; i++) {
                    assertEquals(dev.crucible.io.FloatFormats.bf16ToFloat(
                            dev.crucible.io.FloatFormats.floatToBf16(b[i])), m[i], name);
                }
            }
        }
        JsonNode json = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertEquals(62, json.at("/text_config/num_hidden_layers").asInt());
        assertEquals(2, json.at("/vision_config/num_hidden_layers").asInt());
        assertEquals("bfloat16", json.get("torch_dtype").asText());
    }

    @Test
    void slicingTheTextDecoderRewritesOnlyItsLayerCount() throws IOException {
        Path it = gemma("it", 0f);
        Path config = dir.resolve("cut.yml");
        Files.writeString(config, """
                merge_method: passthrough
                modules:
                  text_decoder:
                    slices:
                      - sources: [{model: %1$s, layer_range: [0, 10]}]
                      - sources: [{model: %1$s, layer_range: [5, 10]}]
                  vision_tower:
                    models: [{model: %1$s}]
                  multi_modal_projector:
                    models: [{model: %1$s}]
                """.formatted(it));
        Path out = dir.resolve("cut");
        MergeCommandTest.Run r = cli("merge", config.toString(), out.toString(), "--quiet");
        assertEquals(0, r.status(), r.err());
        JsonNode json = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertEquals(15, json.at("/text_config/num_hidden_layers").asInt());
        assertEquals(2, json.at("/vision_config/num_hidden_layers").asInt());
        try (Checkpoint merged = Checkpoint.open(out); Checkpoint src = Checkpoint.open(it)) {
            assertEquals(-1, merged.data("language_model.model.layers.12.self_attn.q_proj.weight")
                    .mismatch(src.data("language_model.model.layers.7.self_attn.q_proj.weight")));
            assertEquals(15 * 9 + 2 + 4 + 1, merged.tensorNames().size());
        }
    }
}
