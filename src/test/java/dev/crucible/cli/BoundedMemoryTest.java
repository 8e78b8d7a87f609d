package dev.crucible.cli;

import dev.crucible.TestModels;
import dev.crucible.demo.TinyLlama;
import dev.crucible.io.DType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Merge and analyze stream: on models of about 80 MB each they run in a JVM whose whole heap is 64 MB, the merge's
 * output buffers stay within {@code --max-host-memory} (two of the largest output tensor, or one under a smaller
 * budget, with the same bytes), and a budget below the largest tensor is a one-line error.
 */
class BoundedMemoryTest {
    private static final Pattern BUFFERS = Pattern.compile("memory: output buffers ([0-9.]+) MB \\(--max-host-memory"
            + " ([0-9.]+) MB\\)");
    @TempDir
    static Path dir;
    static Path config;

    @BeforeAll
    static void models() throws IOException {
        // 40M parameters: embeddings of 8000 x 768 (12.3 MB in bf16) are the largest tensors
        TinyLlama shape = new TinyLlama(4, 768, 2048, 8000, false, DType.BF16);
        Path base = TestModels.model(dir, "base", shape, TinyLlama.Delta.NONE, Long.MAX_VALUE);
        Path a = TestModels.model(dir, "a", shape, (t, i, v) -> i % 3 == 0 ? 0.01f : -0.004f, Long.MAX_VALUE);
        Path b = TestModels.model(dir, "b", shape, (t, i, v) -> i % 2 == 0 ? -0.008f : 0.006f, 40_000_000);
        config = Files.writeString(dir.resolve("ties.yml"), "merge_method: ties\nbase_model: " + base
                + "\nmodels:\n  - {model: " + a + ", parameters: {weight: 0.5, density: 0.5}}\n  - {model: " + b
                + ", parameters: {weight: 0.5, density: 0.5}}\n");
    }

    @Test
    void mergeStreamsWithinItsBudgets() throws IOException, InterruptedException {
        Run two = crucible("merge", config.toString(), dir.resolve("two").toString(), "--max-host-memory", "48M");
        assertEquals(0, two.status(), two.output());
        Matcher m = BUFFERS.matcher(two.output());
        assertTrue(m.find(), two.output());
        assertEquals(2 * 12.29, Double.parseDouble(m.group(1)), 0.01, "two buffers of the embeddings' size");
        assertTrue(Double.parseDouble(m.group(1)) <= Double.parseDouble(m.group(2)));

        Run one = crucible("merge", config.toString(), dir.resolve("one").toString(), "--max-host-memory", "16M");
        assertEquals(0, one.status(), one.output());
        Matcher single = BUFFERS.matcher(one.output());
        assertTrue(single.find(), one.output());
        assertEquals(12.29, Double.parseDouble(single.group(1)), 0.01, "one buffer: merging and writing take turns");
        assertArrayEquals(Files.readAllBytes(dir.resolve("two/model-00001-of-00002.safetensors")),
                Files.readAllBytes(dir.resolve("one/model-00001-of-00002.safetensors")));
        assertArrayEquals(Files.readAllBytes(dir.resolve("two/model-00002-of-00002.safetensors")),
                Files.readAllBytes(dir.resolve("one/model-00002-of-00002.safetensors")));

        Run none = crucible("merge", config.toString(), dir.resolve("none").toString(), "--max-host-memory", "8M");
        assertEquals(1, none.status(), none.output());
        assertTrue(none.output().contains("error: --max-host-memory 8.39 MB is below the largest output tensor, "),
                none.output());
    }

    @Test
    void analyzeStreamsToo() throws IOException, InterruptedException {
        Run run = crucible("analyze", config.toString(), "--json", dir.resolve("analysis.json").toString());
        assertEquals(0, run.status(), run.output());
        assertTrue(Files.size(dir.resolve("analysis.json")) > 0);
    }

    private record Run(int status, String output) {
    }

    /** The CLI in a new JVM with a 64 MB heap, on the CPU engine, two threads. */
    private static Run crucible(String... args) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                "dev.crucible.cli.Main"));
        command.addAll(List.of(args));
        command.addAll(List.of("--device", "cpu", "-j", "2"));
        if (args[0].equals("merge")) {
            command.addAll(List.of("--out-shard-size", "50M"));
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), output);
    }
}
