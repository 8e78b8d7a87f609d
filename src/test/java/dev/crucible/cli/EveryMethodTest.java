package dev.crucible.cli;

import dev.crucible.TestModels;
import dev.crucible.demo.TinyLlama;
import dev.crucible.io.Checkpoint;
import dev.crucible.io.DType;
import dev.crucible.method.MethodRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static dev.crucible.cli.MergeCommandTest.cli;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every registered method merges generated models end to end through the CLI, and the vectorised multi-threaded
 * engine writes the same bytes as the scalar reference.
 */
class EveryMethodTest {
    @TempDir
    static Path dir;
    static Path base;
    static Path a;
    static Path b;

    /** A config per method: base, a and b are bf16 models whose deltas conflict in sign. */
    private static final Map<String, String> CONFIGS = Map.ofEntries(
            Map.entry("linear", "models: [{model: {A}, parameters: {weight: 0.6}}, {model: {B}, parameters: {weight: 0.4}}]"),
            Map.entry("passthrough", "slices: [{sources: [{model: {A}, layer_range: [0, 2]}]},"
                    + " {sources: [{model: {B}, layer_range: [1, 3]}]}]"),
            Map.entry("slerp", "base_model: {A}\nmodels: [{model: {A}}, {model: {B}}]\nparameters: {t: [0, 0.7, 1]}"),
            Map.entry("nuslerp", "models: [{model: {A}, parameters: {weight: 0.4}}, {model: {B}, parameters: {weight: 0.6}}]"),
            Map.entry("multislerp", "base_model: {BASE}\nmodels: [{model: {A}, parameters: {weight: 0.5}},"
                    + " {model: {B}, parameters: {weight: 0.5}}]"),
            Map.entry("karcher", "models: [{model: {A}}, {model: {B}}]"),
            Map.entry("sce", "base_model: {BASE}\nmodels: [{model: {A}}, {model: {B}}]\nparameters: {select_topk: 0.5}"),
            Map.entry("ram", "base_model: {BASE}\nmodels: [{model: {A}}, {model: {B}}]"),
            Map.entry("ramplus_tl", "base_model: {BASE}\nmodels: [{model: {A}}, {model: {B}}]"),
            Map.entry("model_stock", "base_model: {BASE}\nmodels: [{model: {A}}, {model: {B}}]"),
            Map.entry("nearswap", "base_model: {BASE}\nmodels: [{model: {A}}]\nparameters: {t: 0.01}"),
            Map.entry("arcee_fusion", "base_model: {A}\nmodels: [{model: {A}}, {model: {B}}]"));

    /** The task-arithmetic family shares one shape of config. */
    private static final String TASK_VECTORS = "base_model: {BASE}\nmodels: [{model: {A}, parameters: {weight: 0.5,"
            + " density: 0.5}}, {model: {B}, parameters: {weight: 0.5, density: 0.5}}]";

    @BeforeAll
    static void models() {
        TinyLlama shape = new TinyLlama(4, 64, 96, 256, false, DType.BF16);
        base = TestModels.model(dir, "base", shape, TinyLlama.Delta.NONE, Long.MAX_VALUE);
        a = TestModels.model(dir, "a", shape, (t, i, v) -> (i % 3 == 0 ? 0.01f : -0.004f), Long.MAX_VALUE);
        b = TestModels.model(dir, "b", shape, (t, i, v) -> (i % 2 == 0 ? -0.008f : 0.006f), 100_000);
    }

    static List<String> methods() {
        return MethodRegistry.names();
    }

    private static Path config(String method) throws IOException {
        String body = CONFIGS.getOrDefault(method, TASK_VECTORS).replace("{BASE}", base.toString())
                .replace("{A}", a.toString()).replace("{B}", b.toString());
        Path file = dir.resolve(method + ".yml");
        Files.writeString(file, "merge_method: " + method + "\n" + body + "\n");
        return file;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void mergesAndTheEnginesAgreeByteForByte(String method) throws IOException {
        Path config = config(method);
        Path ref = dir.resolve(method + "-ref");
        Path vec = dir.resolve(method + "-vec");
        MergeCommandTest.Run r = cli("merge", config.toString(), ref.toString(), "--quiet", "--device",
                "cpu-reference", "--seed", "5");
        assertEquals(0, r.status(), r.err());
        MergeCommandTest.Run v = cli("merge", config.toString(), vec.toString(), "--quiet", "--device", "cpu",
                "--threads", "3", "--seed", "5");
        assertEquals(0, v.status(), v.err());
        assertArrayEquals(Files.readAllBytes(ref.resolve("model.safetensors")),
                Files.readAllBytes(vec.resolve("model.safetensors")), method);
        try (Checkpoint out = Checkpoint.open(ref); Checkpoint in = Checkpoint.open(a)) {
            if (method.equals("passthrough")) {
                // layers 0-1 from a, then b's layers 1-2: output layer 2 is b's layer 1, verbatim
                try (Checkpoint fromB = Checkpoint.open(b)) {
                    assertEquals(-1, out.data("model.layers.2.mlp.up_proj.weight")
                            .mismatch(fromB.data("model.layers.1.mlp.up_proj.weight")));
                }
                return;
            }
            assertEquals(new TreeSet<>(in.tensorNames()), new TreeSet<>(out.tensorNames()));
            // a real merge moves the weights away from any one input
            assertNotEquals(-1, out.data("model.layers.1.mlp.up_proj.weight")
                    .mismatch(in.data("model.layers.1.mlp.up_proj.weight")), method + " left a's tensor as is");
        }
    }

    @Test
    void everyMethodOfMergekitIsRegistered() {
        assertEquals(new TreeSet<>(List.of("linear", "slerp", "nuslerp", "multislerp", "karcher", "task_arithmetic",
                "ties", "dare_ties", "dare_linear", "breadcrumbs", "breadcrumbs_ties", "della", "della_linear", "sce",
                "ram", "ramplus_tl", "model_stock", "nearswap", "arcee_fusion", "passthrough")),
                new TreeSet<>(MethodRegistry.names()));
    }

    @Test
    void randomMethodsDependOnTheSeedAndOnlyOnIt() throws IOException {
        Path config = config("dare_ties");
        Path one = dir.resolve("seed-one");
        Path two = dir.resolve("seed-two");
        Path other = dir.resolve("seed-other");
        assertEquals(0, cli("merge", config.toString(), one.toString(), "--quiet", "--seed", "9", "-j", "1").status());
        assertEquals(0, cli("merge", config.toString(), two.toString(), "--quiet", "--seed", "9", "-j", "2").status());
        assertEquals(0, cli("merge", config.toString(), other.toString(), "--quiet", "--seed", "10").status());
        byte[] first = Files.readAllBytes(one.resolve("model.safetensors"));
        assertArrayEquals(first, Files.readAllBytes(two.resolve("model.safetensors")));
        assertTrue(!java.util.Arrays.equals(first, Files.readAllBytes(other.resolve("model.safetensors"))));
        assertTrue(Files.readString(one.resolve("README.md")).contains("seed 9"));
    }
}
