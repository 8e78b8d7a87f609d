package dev.crucible.cli;

import dev.crucible.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.crucible.cli.MergeCommandTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The read-only commands and the command-line surface. */
class CommandsTest {
    @TempDir
    Path dir;

    @Test
    void inspectListsTensorsShardsAndConfig() {
        Path m = TestModels.model(dir, "m", TestModels.SMALL, (t, i, b) -> 0f, 2000);
        MergeCommandTest.Run r = cli("inspect", m.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("LlamaForCausalLM, model_type=llama, num_hidden_layers=4"), r.out());
        assertTrue(r.out().matches("(?s).*model\\.embed_tokens\\.weight +BF16 +\\[16, 8\\] +256 B +model-00001-of-"
                + "\\d{5}\\.safetensors.*"), r.out());
        assertTrue(r.out().startsWith("checkpoint: " + m + " ("), r.out());
    }

    @Test
    void inspectReadsASingleSafetensorsFile() {
        Path m = TestModels.model(dir, "m", TestModels.SMALL, 0f);
        MergeCommandTest.Run r = cli("inspect", m.resolve("model.safetensors").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("lm_head.weight"), r.out());
    }

    @Test
    void planShowsInputsParametersTotalsAndUnconsumedTensors() {
        Path a = TestModels.model(dir, "a", TestModels.SMALL, 0f);
        Path b = TestModels.model(dir, "b", TestModels.SMALL, 1f);
        Path config = TestModels.config(dir, """
                merge_method: linear
                slices:
                  - sources:
                      - model: %s
                        layer_range: [0, 2]
                        parameters: {weight: 0.5}
                      - model: %s
                        layer_range: [2, 4]
                        parameters: {weight: [1, 0]}
                """.formatted(a, b));
        MergeCommandTest.Run r = cli("plan", config.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("model.layers.1.mlp.up_proj.weight  BF16 [12, 8]  linear t=1.0000  normalize=1"),
                r.out());
        assertTrue(r.out().contains("    <-    " + b + " model.layers.3.mlp.up_proj.weight  weight=0"), r.out());
        assertTrue(r.out().contains("output: 21 tensors, 2 layers,"), r.out());
        assertTrue(r.out().contains("unconsumed input tensors: 36"), r.out());
        assertTrue(r.out().contains(" of output buffers per merging pipeline (two of the largest output tensor, "),
                r.out());
        assertTrue(r.out().contains("  " + a + ": model.layers.3.self_attn.q_proj.weight"), r.out());
    }

    @Test
    void methodsMarkdownIsATableOfEveryMethod() {
        MergeCommandTest.Run r = cli("methods", "--markdown");
        assertEquals(0, r.status());
        assertTrue(r.out().startsWith("| method | base model | per-model parameters | global parameters |"));
        assertTrue(r.out().contains("| [`linear`](https://arxiv.org/abs/2203.05482) | optional (an ordinary input)"
                + " | `weight` = required | `normalize` = true |"), r.out());
        assertTrue(r.out().contains("| `passthrough` |"), r.out());
    }

    @Test
    void usageErrorsExitWithTwoAndSayWhatIsWrong() {
        MergeCommandTest.Run none = cli();
        assertEquals(2, none.status());
        assertTrue(none.err().contains("usage: crucible COMMAND"));
        MergeCommandTest.Run unknown = cli("mrege");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("unknown command 'mrege'"));
        MergeCommandTest.Run missing = cli("merge", "only-config.yml");
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("missing argument"), missing.err());
        MergeCommandTest.Run badOption = cli("merge", "a.yml", "out", "--no-such-flag");
        assertEquals(2, badOption.status());
        assertTrue(badOption.err().contains("no-such-flag"), badOption.err());
        MergeCommandTest.Run badSize = cli("merge", "a.yml", "out", "--out-shard-size", "1.5B");
        assertEquals(1, badSize.status());
        assertTrue(badSize.err().contains("--out-shard-size 1.5B"), badSize.err());
        MergeCommandTest.Run badDevice = cli("merge", "a.yml", "out", "--device", "tpu");
        assertEquals(1, badDevice.status());
        MergeCommandTest.Run help = cli("merge", "--help");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("--out-shard-size"));
    }

    @Test
    void missingConfigFileIsOneLine() {
        MergeCommandTest.Run r = cli("plan", dir.resolve("nope.yml").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("error: "), r.err());
        assertTrue(r.err().contains("nope.yml"), r.err());
    }

    @Test
    void demoGeneratesModelsAndMergesThem() throws Exception {
        Path demo = dir.resolve("demo");
        MergeCommandTest.Run r = cli("demo", demo.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("merged checkpoint: " + demo.resolve("merged")), r.out());
        assertTrue(Files.exists(demo.resolve("merged/model.safetensors")));
        assertTrue(Files.exists(demo.resolve("models/ft-b/model.safetensors.index.json")), "one input is sharded");
        // a second run replaces its own directory; a foreign non-empty directory is refused
        assertEquals(0, cli("demo", demo.toString()).status());
        Path foreign = dir.resolve("foreign");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("mine.txt"), "keep me");
        MergeCommandTest.Run refused = cli("demo", foreign.toString());
        assertEquals(1, refused.status());
        assertEquals("keep me", Files.readString(foreign.resolve("mine.txt")));
    }
}
