package dev.crucible.bench;

import dev.crucible.CrucibleException;
import dev.crucible.demo.TinyLlama;
import dev.crucible.exec.Sizes;
import dev.crucible.io.TensorSpec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The bench's synthetic bf16 checkpoints: a base and two fine-tunes (the base plus small deterministic task vectors of
 * both signs), generated once per shape into {@code DIR/models-LxHxIxV} and reused while its {@code .complete} marker
 * exists. Before anything is written the free space of {@code DIR} must hold what the run adds: the three models when
 * they are not there yet, and one merge's output.
 *
 * @param modelBytes tensor bytes of one model (and of a merge's output)
 */
record BenchModels(Path base, Path a, Path b, long modelBytes) {
    private static final long SHARD_BYTES = 2_000_000_000L;

    static BenchModels prepare(TinyLlama shape, String shapeText, Path dir, PrintStream out) throws IOException {
        Files.createDirectories(dir);
        Path models = dir.resolve("models-" + shapeText);
        BenchModels m = new BenchModels(models.resolve("base"), models.resolve("ft-a"), models.resolve("ft-b"),
                shape.tensors().stream().mapToLong(TensorSpec::byteSize).sum());
        Path marker = models.resolve(".complete");
        boolean generated = Files.exists(marker);
        long needed = (generated ? 1 : 4) * m.modelBytes;
        long free = Files.getFileStore(dir).getUsableSpace();
        if (free < needed) {
            throw new CrucibleException("--dir " + dir + " has " + Sizes.human(free) + " free, the bench needs "
                    + Sizes.human(needed) + " (" + (generated ? "one merge's output" : "base + 2 models + 1 output")
                    + ")");
        }
        if (!generated) {
            out.println("generating bench models in " + models + " (once)...");
            delete(models);
            shape.write(m.base, 1, TinyLlama.Delta.NONE, SHARD_BYTES);
            shape.write(m.a, 1, (t, i, b) -> ((i * 0x9E3779B97F4A7C15L) >>> 61) * 0.002f - 0.007f, SHARD_BYTES);
            shape.write(m.b, 1, (t, i, b) -> (((i + 7) * 0xC2B2AE3D27D4EB4FL) >>> 61) * -0.002f + 0.006f,
                    SHARD_BYTES);
            Files.writeString(marker, "complete\n");
        }
        return m;
    }

    /** The safetensors files of all three models. */
    List<Path> files() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path model : List.of(base, a, b)) {
            files.addAll(files(model));
        }
        return files;
    }

    /** The safetensors files of one model directory. */
    static List<Path> files(Path model) throws IOException {
        try (Stream<Path> s = Files.list(model)) {
            return s.filter(f -> f.toString().endsWith(".safetensors")).sorted().toList();
        }
    }

    /** Deletes {@code dir} and everything in it, if it exists. */
    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
