package dev.crucible;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crucible.demo.TinyLlama;
import dev.crucible.io.Checkpoint;
import dev.crucible.io.DType;
import dev.crucible.io.FloatFormats;
import dev.crucible.io.TensorInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import dev.crucible.io.ShardPlan;
import dev.crucible.io.ShardWriter;
import dev.crucible.io.TensorSpec;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Tiny Llama-shaped checkpoints and configs for tests, written into a test's temporary directory. */
public final class TestModels {
    /** 4 layers, hidden 8: every tensor small enough to check element by element. */
    public static final TinyLlama SMALL = new TinyLlama(4, 8, 12, 16, false, DType.BF16);

    private TestModels() {
    }

    /** Writes {@code shape} with a constant per-model delta {@code offset} added to every element. */
    public static Path model(Path root, String name, TinyLlama shape, float offset) {
        Path dir = root.resolve(name);
        shape.write(dir, 7, (t, i, b) -> offset, Long.MAX_VALUE);
        return dir;
    }

    public static Path model(Path root, String name, TinyLlama shape, TinyLlama.Delta delta, long shardBytes) {
        Path dir = root.resolve(name);
        shape.write(dir, 7, delta, shardBytes);
        return dir;
    }

    /**
     * Writes a checkpoint of arbitrary tensors (F32), element i of tensor t holding {@code value(t, i)}, with
     * {@code config} as its config.json.
     */
    public static Path custom(Path dir, List<TensorSpec> tensors, TinyLlama.Delta value, ObjectNode config) {
        try {
            Files.createDirectories(dir);
            ShardPlan plan = ShardPlan.plan(tensors, Long.MAX_VALUE, Map.of());
            for (ShardPlan.Shard shard : plan.shards()) {
                try (ShardWriter w = ShardWriter.create(dir, shard)) {
                    for (TensorInfo t : shard.layout().tensors()) {
                        MemorySegment data = Arena.ofAuto().allocate(Math.max(1, t.byteSize()), 8);
                        for (long i = 0; i < t.numel(); i++) {
                            data.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, value.at(t.name(), i, 0f));
                        }
                        w.write(t.name(), data.asSlice(0, t.byteSize()));
                    }
                    w.finish();
                }
            }
            new ObjectMapper().writeValue(dir.resolve("config.json").toFile(), config);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a config file; {@code %s} placeholders are not used, callers format paths themselves. */
    public static Path config(Path dir, String yaml) {
        try {
            Path file = dir.resolve("merge.yml");
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Edits a model's config.json in place. */
    public static void editConfig(Path model, Consumer<ObjectNode> edit) {
        try {
            ObjectMapper json = new ObjectMapper();
            ObjectNode node = (ObjectNode) json.readTree(model.resolve("config.json").toFile());
            edit.accept(node);
            json.writeValue(model.resolve("config.json").toFile(), node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A stored tensor widened to float (BF16, F16 or F32). */
    public static float[] floats(Path checkpoint, String tensor) {
        try (Checkpoint c = Checkpoint.open(checkpoint)) {
            TensorInfo info = c.info(tensor);
            MemorySegment data = c.data(tensor);
            float[] out = new float[Math.toIntExact(info.numel())];
            for (int i = 0; i < out.length; i++) {
                out[i] = switch (info.dtype()) {
                    case BF16 -> FloatFormats.bf16ToFloat(data.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i));
                    case F16 -> FloatFormats.f16ToFloat(data.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i));
                    case F32 -> data.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
                    default -> throw new IllegalArgumentException(info.dtype().toString());
                };
            }
            return out;
        }
    }

    public static DType dtype(Path checkpoint, String tensor) {
        try (Checkpoint c = Checkpoint.open(checkpoint)) {
            return c.info(tensor).dtype();
        }
    }
}
