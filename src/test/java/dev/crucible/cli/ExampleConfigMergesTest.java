package dev.crucible.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crucible.TestModels;
import dev.crucible.demo.TinyLlama;
import dev.crucible.io.Checkpoint;
import dev.crucible.io.DType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.crucible.cli.MergeCommandTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * mergekit's example configs (config-and-cli.md §10), verbatim but for the model names, which point at generated
 * 40-layer models (the 13B originals have 40 layers, so every layer_range is valid as written).
 */
class ExampleConfigMergesTest {
    private static final List<String> HUB_IDS = List.of("psmathur/orca_mini_v3_13b", "WizardLM/WizardLM-13B-V1.2",
            "garage-bAInd/Platypus2-13B", "WizardLM/WizardMath-13B-V1.0", "TheBloke/Llama-2-13B-fp16");

    @TempDir
    static Path dir;

    @BeforeAll
    static void models() {
        TinyLlama shape = new TinyLlama(40, 8, 12, 16, false, DType.F16);
        for (int i = 0; i < HUB_IDS.size(); i++) {
            float offset = 0.01f * (i - 2);
            TestModels.model(dir, HUB_IDS.get(i), shape, (t, j, b) -> offset * ((j % 3) - 1), Long.MAX_VALUE);
        }
    }

    private static Path localConfig(String resource) throws IOException {
        String yaml;
        try (InputStream in = ExampleConfigMergesTest.class.getResourceAsStream("/config/" + resource)) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String id : HUB_IDS) {
            yaml = yaml.replace(id, dir.resolve(id).toString());
        }
        Path file = dir.resolve(resource);
        Files.writeString(file, yaml);
        return file;
    }

    @ParameterizedTest
    @ValueSource(strings = {"linear.yml", "ties.yml", "gradient-slerp.yml", "orcamini-platy-44layer.yml"})
    void examplePlansAndMerges(String resource) throws IOException {
        Path config = localConfig(resource);
        MergeCommandTest.Run plan = cli("plan", config.toString());
        assertEquals(0, plan.status(), plan.err());
        Path out = dir.resolve("out-" + resource);
        MergeCommandTest.Run merge = cli("merge", config.toString(), out.toString(), "--quiet");
        assertEquals(0, merge.status(), merge.err());
        JsonNode json = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertEquals("float16", json.get("torch_dtype").asText());
        int layers = resource.startsWith("orcamini") ? 44 : 40;
        assertEquals(layers, json.get("num_hidden_layers").asInt());
        try (Checkpoint c = Checkpoint.open(out)) {
            assertEquals(layers * 9 + 3, c.tensorNames().size());
            assertTrue(c.tensorNames().stream().allMatch(n -> c.info(n).dtype() == DType.F16));
        }
    }
}
