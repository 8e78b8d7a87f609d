package dev.crucible.cli;

import dev.crucible.TestModels;
import dev.crucible.demo.TinyLlama;
import dev.crucible.io.Checkpoint;
import dev.crucible.io.DType;
import dev.crucible.method.MethodRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static dev.crucible.cli.MergeCommandTest.cli;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every registered method merges generated models end to end through the CLI, and every engine writes the same bytes
 * as the scalar reference: the vectorised multi-threaded CPU engine, the device engine on OpenCL (PoCL in CI) and,
 * where a GPU is, on CUDA. Arcee Fusion on a device is the one tolerance ({@link #assertArceeFusionAgrees}).
 */
class EveryMethodTest {
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
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

    /** The merge of {@code method}'s config on {@code device} (extra options after it), in a new folder. */
    private static Path merge(String method, String device, String... options) throws IOException {
        Path out = dir.resolve(method + "-" + device.replace(':', '-') + "-" + System.nanoTime());
        List<String> args = new ArrayList<>(List.of("merge", config(method).toString(), out.toString(),
                "--quiet", "--device", device, "--seed", "5"));
        args.addAll(List.of(options));
        MergeCommandTest.Run run = cli(args.toArray(String[]::new));
        assertEquals(0, run.status(), run.err());
        return out;
    }

    /** The reference engine's merge of {@code method}, made once. */
    private static synchronized Path reference(String method) throws IOException {
        Path ref = dir.resolve(method + "-ref");
        if (!Files.exists(ref.resolve("model.safetensors"))) {
            Path made = merge(method, "cpu-reference");
            Files.move(made, ref);
        }
        return ref;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void mergesAndTheEnginesAgreeByteForByte(String method) throws IOException {
        Path ref = reference(method);
        Path vec = merge(method, "cpu", "--threads", "3");
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

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void openClWritesTheReferenceBytes(String method) throws IOException {
        assertDeviceAgrees(method, "opencl");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    @Tag("gpu")
    void cudaWritesTheReferenceBytes(String method) throws IOException {
        assertDeviceAgrees(method, "cuda");
    }

    private static void assertDeviceAgrees(String method, String device) throws IOException {
        Path ref = reference(method);
        Path out = merge(method, device);
        if (method.equals("arcee_fusion")) {
            assertArceeFusionAgrees(ref, out);
        } else {
            assertArrayEquals(Files.readAllBytes(ref.resolve("model.safetensors")),
                    Files.readAllBytes(out.resolve("model.safetensors")), method + " on " + device);
        }
    }

    /**
     * Arcee Fusion ranks elements by an importance computed with exp and log, which a device evaluates with its own
     * (correctly rounded to within an ulp, not StrictMath's) functions. The stated tolerance: every element of the
     * device's merge is the reference's, or the other of the two models' values where the importance sits at the
     * threshold; at most one element in a thousand of each tensor.
     */
    private static void assertArceeFusionAgrees(Path ref, Path out) throws IOException {
        try (Checkpoint expected = Checkpoint.open(ref); Checkpoint actual = Checkpoint.open(out);
             Checkpoint first = Checkpoint.open(a); Checkpoint second = Checkpoint.open(b)) {
            for (String name : expected.tensorNames()) {
                MemorySegment e = expected.data(name);
                MemorySegment g = actual.data(name);
                MemorySegment fromA = first.data(name);
                MemorySegment fromB = second.data(name);
                long n = e.byteSize() / 2;
                long differ = 0;
                for (long j = 0; j < n; j++) {
                    short got = g.getAtIndex(SHORT, j);
                    if (got != e.getAtIndex(SHORT, j)) {
                        differ++;
                        assertTrue(got == fromA.getAtIndex(SHORT, j) || got == fromB.getAtIndex(SHORT, j),
                                name + " element " + j + " is neither model's");
                    }
                }
                assertTrue(differ * 1000 <= n, name + ": " + differ + " of " + n + " elements differ");
            }
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

    /**
     * Output bytes never depend on how the work was scheduled: thread counts, shard sizes (so writer hand-offs at
     * other places), the device engine under a device-memory budget with one or three streams, or several engines
     * sharing the jobs.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("scheduled")
    void theBytesDoNotDependOnTheSchedule(String method) throws IOException {
        String[][] schedules = {{"--device", "cpu", "-j", "1"}, {"--device", "cpu", "-j", "2"},
            {"--device", "cpu", "-j", "3"}, {"--device", "opencl", "--max-device-memory", "16M", "--streams", "1"},
            {"--device", "opencl", "--max-device-memory", "48M", "--streams", "3"},
            {"--devices", "cpu,opencl,cpu", "-j", "1"}};
        for (String[] schedule : schedules) {
            Path out = dir.resolve(method + "-schedule-" + System.nanoTime());
            List<String> args = new ArrayList<>(List.of("merge", config(method).toString(), out.toString(), "--quiet",
                    "--seed", "5", "--out-shard-size", "200k"));
            args.addAll(List.of(schedule));
            MergeCommandTest.Run run = cli(args.toArray(String[]::new));
            assertEquals(0, run.status(), run.err());
            try (Checkpoint merged = Checkpoint.open(out); Checkpoint expected = Checkpoint.open(reference(method))) {
                for (String name : expected.tensorNames()) {
                    assertEquals(-1, merged.data(name).mismatch(expected.data(name)),
                            method + " " + String.join(" ", schedule) + ": " + name);
                }
            }
        }
    }

    static List<String> scheduled() {
        return List.of("linear", "ties", "dare_ties", "della", "model_stock");
    }
}
