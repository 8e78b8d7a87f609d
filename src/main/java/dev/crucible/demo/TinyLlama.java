package dev.crucible.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crucible.CrucibleException;
import dev.crucible.io.DType;
import dev.crucible.io.FloatFormats;
import dev.crucible.io.ShardIndex;
import dev.crucible.io.ShardPlan;
import dev.crucible.io.ShardWriter;
import dev.crucible.io.TensorSpec;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generates small Llama-shaped checkpoints (same tensor names, shapes relations and config.json keys as Llama) for
 * the demo, the tests and the benchmarks. Weights are a pure function of (seed, tensor name, element index) plus an
 * optional task vector, so a fine-tune is "the base plus a delta" exactly as merge methods assume.
 *
 * @param layers       decoder layers
 * @param hidden       hidden size
 * @param intermediate MLP size
 * @param vocab        vocabulary size
 * @param tied         tie_word_embeddings (no lm_head tensor)
 * @param dtype        stored dtype: BF16, F16 or F32
 */
public record TinyLlama(int layers, int hidden, int intermediate, int vocab, boolean tied, DType dtype) {

    /** A task vector: the delta added to base element {@code index} of {@code tensor}. */
    @FunctionalInterface
    public interface Delta {
        float at(String tensor, long index, float baseValue);

        Delta NONE = (tensor, index, base) -> 0f;
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Tensor names and shapes in Llama's order: embeddings, layers, final norm, head. */
    public List<TensorSpec> tensors() {
        List<TensorSpec> specs = new ArrayList<>();
        specs.add(spec("model.embed_tokens.weight", vocab, hidden));
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            specs.add(spec(p + "input_layernorm.weight", hidden));
            specs.add(spec(p + "self_attn.q_proj.weight", hidden, hidden));
            specs.add(spec(p + "self_attn.k_proj.weight", hidden, hidden));
            specs.add(spec(p + "self_attn.v_proj.weight", hidden, hidden));
            specs.add(spec(p + "self_attn.o_proj.weight", hidden, hidden));
            specs.add(spec(p + "post_attention_layernorm.weight", hidden));
            specs.add(spec(p + "mlp.gate_proj.weight", intermediate, hidden));
            specs.add(spec(p + "mlp.up_proj.weight", intermediate, hidden));
            specs.add(spec(p + "mlp.down_proj.weight", hidden, intermediate));
        }
        specs.add(spec("model.norm.weight", hidden));
        if (!tied) {
            specs.add(spec("lm_head.weight", vocab, hidden));
        }
        return specs;
    }

    private TensorSpec spec(String name, long... shape) {
        return new TensorSpec(name, dtype, shape);
    }

    /**
     * Writes a checkpoint into {@code dir}: weights (sharded when they exceed {@code shardBytes}), config.json and a
     * minimal tokenizer. Norm weights are near 1, other weights near 0 with standard deviation 0.02.
     */
    public void write(Path dir, long seed, Delta delta, long shardBytes) {
        try {
            Files.createDirectories(dir);
            ShardPlan plan = ShardPlan.plan(tensors(), shardBytes, Map.of());
            for (ShardPlan.Shard shard : plan.shards()) {
                try (ShardWriter w = ShardWriter.create(dir, shard)) {
                    for (var t : shard.layout().tensors()) {
                        w.write(t.name(), values(t.name(), t.numel(), seed, delta));
                    }
                    w.finish();
                }
            }
            if (plan.shards().size() > 1) {
                ShardIndex.write(dir, plan, Map.of());
            }
            Files.writeString(dir.resolve("config.json"), JSON.writeValueAsString(config()) + "\n");
            Files.writeString(dir.resolve("tokenizer_config.json"), """
                    {"model_max_length": 2048, "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>",\
                     "tokenizer_class": "PreTrainedTokenizerFast"}
                    """);
            Files.writeString(dir.resolve("tokenizer.json"), """
                    {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [],\
                     "normalizer": null, "pre_tokenizer": {"type": "Whitespace"}, "post_processor": null,\
                     "decoder": null, "model": {"type": "WordLevel", "vocab": {"<unk>": 0, "<s>": 1, "</s>": 2},\
                     "unk_token": "<unk>"}}
                    """);
        } catch (IOException e) {
            throw new CrucibleException("cannot write demo model " + dir + ": " + e.getMessage(), e);
        }
    }

    private MemorySegment values(String name, long numel, long seed, Delta delta) {
        SplittableRandom random = new SplittableRandom(seed ^ name.hashCode() * 0x9E3779B97F4A7C15L);
        boolean norm = name.endsWith("norm.weight");
        MemorySegment out = Arena.ofAuto().allocate(dtype.byteSize(numel), 8);
        for (long i = 0; i < numel; i++) {
            float base = norm ? 1f + (float) (random.nextGaussian() * 0.01) : (float) (random.nextGaussian() * 0.02);
            float v = base + delta.at(name, i, base);
            switch (dtype) {
                case BF16 -> out.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, FloatFormats.floatToBf16(v));
                case F16 -> out.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, FloatFormats.floatToF16(v));
                case F32 -> out.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, v);
                default -> throw new IllegalArgumentException("TinyLlama stores BF16, F16 or F32, not " + dtype);
            }
        }
        return out;
    }

    private ObjectNode config() {
        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add("LlamaForCausalLM");
        c.put("model_type", "llama");
        c.put("hidden_size", hidden);
        c.put("intermediate_size", intermediate);
        c.put("num_hidden_layers", layers);
        c.put("num_attention_heads", Math.max(1, hidden / 64));
        c.put("num_key_value_heads", Math.max(1, hidden / 64));
        c.put("vocab_size", vocab);
        c.put("max_position_embeddings", 2048);
        c.put("rms_norm_eps", 1e-5);
        c.put("hidden_act", "silu");
        c.put("tie_word_embeddings", tied);
        c.put("torch_dtype", dtype.torchName());
        return c;
    }
}
