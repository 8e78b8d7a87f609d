package dev.crucible.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crucible.TestModels;
import dev.crucible.demo.TinyLlama;
import dev.crucible.io.Checkpoint;
import dev.crucible.io.DType;
import dev.crucible.io.FloatFormats;
import dev.crucible.roofline.StorageProbes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** End to end through the CLI, in-process, on generated tiny Llama checkpoints. */
class MergeCommandTest {
    @TempDir
    Path dir;
    Path a;
    Path b;
    Path out;

    /** What one CLI run printed and returned. */
    record Run(int status, String out, String err) {
    }

    static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @BeforeEach
    void models() {
        a = TestModels.model(dir, "a", TestModels.SMALL, 0.25f);
        // b is sharded: every tensor its own file, read through the index
        b = TestModels.model(dir, "b", TestModels.SMALL, (t, i, base) -> -0.5f * base + 0.125f, 1);
        out = dir.resolve("out");
    }

    private Path linearConfig(String extra) {
        return linearConfig(a, b, extra);
    }

    private Path linearConfig(Path first, Path second, String extra) {
        return TestModels.config(dir, """
                merge_method: linear
                models:
                  - model: %s
                    parameters: {weight: 0.6}
                  - model: %s
                    parameters: {weight: 0.4}
                %s
                """.formatted(first, second, extra));
    }

    @Test
    void devicesNamesTheEnginesAndRefusesWhatItCannotOpen() throws IOException {
        Run both = cli("merge", linearConfig("").toString(), out.toString(), "--devices", "cpu", "--device", "cpu");
        assertEquals(2, both.status());
        assertTrue(both.err().contains("--devices names the engines itself"), both.err());
        Run missing = cli("merge", linearConfig("").toString(), out.toString(), "--devices", "cpu,opencl:99");
        assertEquals(1, missing.status());
        assertEquals(1, missing.err().lines().filter(l -> l.startsWith("error: ")).count(), missing.err());
        assertFalse(Files.exists(out.resolve("model.safetensors")));
        Run two = cli("merge", linearConfig("").toString(), out.toString(), "--devices", "cpu,cpu", "-j", "1");
        assertEquals(0, two.status(), two.err());
        assertTrue(two.out().contains("on cpu-vector ×2,"), two.out());
    }

    @Test
    void streamsOpenSeveralEnginesOnAnAcceleratorAndOneOnTheCpu() throws IOException {
        Run opencl = cli("merge", linearConfig("").toString(), out.toString(), "--device", "opencl", "--streams", "3");
        assertEquals(0, opencl.status(), opencl.err());
        assertTrue(opencl.out().matches("(?s).* on opencl:0 [^\\n]* ×3, seed .*"), opencl.out());
        Run cpu = cli("merge", linearConfig("").toString(), out.resolve("cpu").toString(), "--device", "cpu",
                "--streams", "3", "-j", "1");
        assertEquals(0, cpu.status(), cpu.err());
        assertTrue(cpu.out().contains(" on cpu-vector, seed "), cpu.out());
        Run twice = cli("merge", linearConfig("").toString(), out.resolve("twice").toString(), "--devices",
                "opencl,opencl:0");
        assertEquals(1, twice.status());
        assertTrue(twice.err().matches("error: --devices names opencl:0 .* twice; for several pipelines on one device"
                + " use --streams N\\R"), twice.err());
        for (String bad : List.of("0", "9", "two")) {
            Run r = cli("merge", linearConfig("").toString(), out.resolve("bad").toString(), "--streams", bad);
            assertEquals(2, r.status(), bad);
            assertTrue(r.err().contains("--streams"), r.err());
        }
    }

    @Test
    void linearMergeWritesALoadableCheckpointWithTheExpectedValues() throws IOException {
        Run r = cli("merge", linearConfig("dtype: float32").toString(), out.toString(), "--quiet");
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.out(), "--quiet prints nothing");
        for (String f : List.of("model.safetensors", "config.json", "README.md", "mergekit_config.yml",
                "crucible_config.yml", "tokenizer.json", "tokenizer_config.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        assertFalse(Files.exists(out.resolve("model.safetensors.index.json")), "one shard: no index");
        try (var files = Files.list(out)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".partial")));
        }
        String name = "model.layers.2.mlp.down_proj.weight";
        float[] xa = TestModels.floats(a, name);
        float[] xb = TestModels.floats(b, name);
        float[] merged = TestModels.floats(out, name);
        assertEquals(DType.F32, TestModels.dtype(out, name));
        for (int i = 0; i < merged.length; i++) {
            // the contract: c_m = fl32(w_m / Σw), r = c0·x0 + c1·x1 in binary32
            float expected = (float) (0.6 / 1.0) * xa[i] + (float) (0.4 / 1.0) * xb[i];
            assertEquals(expected, merged[i], "element " + i);
            assertEquals(0.6 * xa[i] + 0.4 * xb[i], merged[i], 1e-6, "float64 check, element " + i);
        }
        JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertEquals("float32", config.get("torch_dtype").asText());
        assertEquals(4, config.get("num_hidden_layers").asInt());
        assertEquals(Files.readString(dir.resolve("merge.yml")), Files.readString(out.resolve("mergekit_config.yml")));
        String card = Files.readString(out.resolve("README.md"));
        for (String section : List.of("## Merge Details", "### Merge Method", "### Models Merged", "### Configuration",
                "[Linear](https://arxiv.org/abs/2203.05482)", "seed 0")) {
            assertTrue(card.contains(section), section);
        }
    }

    @Test
    void outputDtypeDefaultsToTheStoredOneAndRoundsOnce() {
        Run r = cli("merge", linearConfig("").toString(), out.toString(), "--quiet");
        assertEquals(0, r.status(), r.err());
        String name = "model.embed_tokens.weight";
        assertEquals(DType.BF16, TestModels.dtype(out, name));
        float[] xa = TestModels.floats(a, name);
        float[] xb = TestModels.floats(b, name);
        float[] merged = TestModels.floats(out, name);
        for (int i = 0; i < merged.length; i++) {
            float exact = 0.6f * xa[i] + 0.4f * xb[i];
            assertEquals(FloatFormats.bf16ToFloat(FloatFormats.floatToBf16(exact)), merged[i], "element " + i);
        }
    }

    @Test
    void smallShardSizeGivesMergekitNamesAndAnIndexWrittenLast() throws IOException {
        Run r = cli("merge", linearConfig("").toString(), out.toString(), "--quiet", "--out-shard-size", "1k");
        assertEquals(0, r.status(), r.err());
        JsonNode index = new ObjectMapper().readTree(out.resolve("model.safetensors.index.json").toFile());
        int shards;
        try (var files = Files.list(out)) {
            shards = (int) files.filter(p -> p.getFileName().toString().matches("model-\\d{5}-of-\\d{5}"
                    + "\\.safetensors")).count();
        }
        assertTrue(shards > 1);
        assertTrue(Files.exists(out.resolve("model-00001-of-%05d.safetensors".formatted(shards))));
        assertEquals(TestModels.SMALL.tensors().size(), index.get("weight_map").size());
        long total = TestModels.SMALL.tensors().stream().mapToLong(t -> t.byteSize()).sum();
        assertEquals(total, index.get("metadata").get("total_size").asLong());
        assertTrue(Files.getLastModifiedTime(out.resolve("model.safetensors.index.json")).toMillis()
                >= Files.getLastModifiedTime(out.resolve("config.json")).toMillis());
        try (Checkpoint c = Checkpoint.open(out)) {
            assertEquals(TestModels.SMALL.tensors().size(), c.tensorNames().size());
        }
    }

    @Test
    void frankenmergeStacksLayersAndRewritesTheLayerCountAndPerLayerArrays() throws IOException {
        TestModels.editConfig(a, c -> c.putArray("layer_types").add("a0").add("a1").add("a2").add("a3"));
        TestModels.editConfig(b, c -> c.putArray("layer_types").add("b0").add("b1").add("b2").add("b3"));
        Path config = TestModels.config(dir, """
                slices:
                  - sources:
                    - model: %s
                      layer_range: [0, 3]
                  - sources:
                    - model: %s
                      layer_range: [1, 4]
                merge_method: passthrough
                dtype: bfloat16
                """.formatted(a, b));
        Run r = cli("merge", config.toString(), out.toString(), "--quiet");
        assertEquals(0, r.status(), r.err());
        JsonNode json = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertEquals(6, json.get("num_hidden_layers").asInt());
        assertEquals("[\"a0\",\"a1\",\"a2\",\"b1\",\"b2\",\"b3\"]", json.get("layer_types").toString());
        // unchanged dtype and no scale: the bytes are copied verbatim from the source layer
        try (Checkpoint merged = Checkpoint.open(out); Checkpoint src = Checkpoint.open(b)) {
            assertEquals(-1, merged.data("model.layers.4.self_attn.q_proj.weight")
                    .mismatch(src.data("model.layers.2.self_attn.q_proj.weight")));
            assertEquals(-1, merged.data("lm_head.weight").mismatch(src.data("lm_head.weight")));
            assertEquals(6 * 9 + 3, merged.tensorNames().size());
        }
    }

    @Test
    void tokenizerIsCopiedUnlessRefusedAndAChatTemplateIsInstalled() throws IOException {
        String template = "{% for m in messages %}{{ m['content'] }}{% endfor %}";
        Run r = cli("merge", linearConfig("chat_template: \"" + template + "\"").toString(), out.toString(),
                "--quiet");
        assertEquals(0, r.status(), r.err());
        assertEquals(template, Files.readString(out.resolve("chat_template.jinja")));
        Path bare = dir.resolve("bare");
        Run r2 = cli("merge", linearConfig("").toString(), bare.toString(), "--quiet", "--no-copy-tokenizer");
        assertEquals(0, r2.status(), r2.err());
        assertFalse(Files.exists(bare.resolve("tokenizer.json")));
    }

    @Test
    void refusesAnOutputDirectoryThatHoldsACheckpointOrAnUnfinishedMerge() throws IOException {
        assertEquals(0, cli("merge", linearConfig("").toString(), out.toString(), "--quiet").status());
        long before = Files.getLastModifiedTime(out.resolve("model.safetensors")).toMillis();
        Run again = cli("merge", linearConfig("").toString(), out.toString(), "--quiet");
        assertEquals(1, again.status());
        assertTrue(again.err().contains("error: " + out + " already contains a checkpoint ("), again.err());
        assertTrue(again.err().contains("remove it or choose another output directory"), again.err());
        assertEquals(before, Files.getLastModifiedTime(out.resolve("model.safetensors")).toMillis());

        Path unfinished = dir.resolve("unfinished");
        Files.createDirectories(unfinished);
        Files.writeString(unfinished.resolve(".model.safetensors.partial"), "x");
        Run r = cli("merge", linearConfig("").toString(), unfinished.toString(), "--quiet");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("holds an unfinished merge"), r.err());
    }

    @Test
    void badInputIsOneLineWithoutStackTraceUnlessDebug() throws IOException {
        Files.write(a.resolve("model.safetensors"), new byte[] {1, 2, 3});
        Run r = cli("merge", linearConfig("").toString(), out.toString(), "--quiet");
        assertEquals(1, r.status());
        List<String> errLines = r.err().lines().filter(l -> !l.startsWith("WARNING")).toList();
        assertEquals(1, errLines.size(), r.err());
        assertTrue(errLines.getFirst().startsWith("error: ") && errLines.getFirst().contains("model.safetensors"),
                r.err());
        assertFalse(Files.exists(out.resolve("config.json")));
        Run debug = cli("merge", linearConfig("").toString(), out.toString(), "--quiet", "--debug");
        assertTrue(debug.err().contains("\tat dev.crucible."), "stack trace under --debug");
    }

    @Test
    void configErrorsPointAtTheYamlLine() {
        Path config = TestModels.config(dir, """
                merge_method: linear
                models:
                  - model: %s
                    paramters: {weight: 1}
                """.formatted(a));
        Run r = cli("merge", config.toString(), out.toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("merge.yml:4: models[0].paramters"), r.err());
        assertTrue(r.err().contains("parameters"), r.err());
    }

    @Test
    void cpuEnginesAgreeByteForByte() throws IOException {
        TinyLlama f16 = new TinyLlama(2, 64, 96, 128, false, DType.F16);
        Path x = TestModels.model(dir, "x16", f16, 0.001f);
        Path y = TestModels.model(dir, "y16", f16, -0.002f);
        Path config = TestModels.config(dir, """
                merge_method: linear
                models:
                  - model: %s
                    parameters: {weight: 0.3}
                  - model: %s
                    parameters: {weight: 0.9}
                out_dtype: bfloat16
                """.formatted(x, y));
        Path ref = dir.resolve("ref");
        Path vec = dir.resolve("vec");
        assertEquals(0, cli("merge", config.toString(), ref.toString(), "--quiet", "--device", "cpu-reference")
                .status());
        assertEquals(0, cli("merge", config.toString(), vec.toString(), "--quiet", "--device", "cpu", "-j", "2")
                .status());
        assertArrayEquals(Files.readAllBytes(ref.resolve("model.safetensors")),
                Files.readAllBytes(vec.resolve("model.safetensors")));
    }

    @Test
    void rooflineEndsTheSummaryWithAnEfficiencyAndRemovesItsProbeFile() throws IOException {
        Run plain = cli("merge", linearConfig("").toString(), dir.resolve("plain").toString());
        assertEquals(0, plain.status(), plain.err());
        assertFalse(plain.out().contains("roofline"), "no figure unless asked: " + plain.out());

        Run r = cli("merge", linearConfig("").toString(), out.toString(), "--roofline");
        assertEquals(0, r.status(), r.err());
        Matcher line = Pattern.compile("(?m)^roofline: (\\S+) s \\((cache|disk|read|write)-bound: read .+;"
                + " write .+/s\\), efficiency (\\S+)$").matcher(r.out());
        assertTrue(line.find(), r.out());
        assertTrue(Double.parseDouble(line.group(1)) > 0, line.group());
        double efficiency = Double.parseDouble(line.group(3));
        assertTrue(efficiency > 0 && efficiency <= 2, line.group());
        assertTrue(r.out().indexOf("roofline: ") < r.out().indexOf("memory: output buffers"), r.out());
        assertNoProbeFile(out);

        Run again = cli("merge", linearConfig("").toString(), out.toString(), "--roofline", "--resume");
        assertEquals(0, again.status(), again.err());
        assertTrue(again.out().contains("roofline: not measured (no tensors left to merge)"), again.out());
    }

    @Test
    void rooflineProbeFileIsGoneWhenTheMergeFailsAfterIt() throws IOException {
        String up = "model.layers.1.mlp.up_proj.weight";
        Path nan = TestModels.model(dir, "nan", TestModels.SMALL, (t, i, base) -> t.equals(up) && i == 0 ? Float.NaN
                : 0f, Long.MAX_VALUE);
        Path config = linearConfig(nan, b, "");
        Run r = cli("merge", config.toString(), out.toString(), "--roofline", "--strict");
        assertEquals(1, r.status());
        assertTrue(r.err().contains(up + " of " + nan + " holds 1 NaN/Inf value (--strict)"), "failed while merging: "
                + r.err());
        assertNoProbeFile(out);
    }

    @Test
    void rooflineAndQuietContradictEachOther() {
        Run r = cli("merge", linearConfig("").toString(), out.toString(), "--roofline", "--quiet");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--roofline adds a line to the summary, which --quiet leaves out"), r.err());
    }

    private static void assertNoProbeFile(Path dir) throws IOException {
        assertFalse(Files.exists(dir.resolve(StorageProbes.WRITE_PROBE)));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".partial")));
        }
    }
}
