package dev.crucible.plan;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a tensor sits in a decoder-only model, found from its name alone so that any architecture works
 * without per-architecture tables: the first {@code layers.N}, {@code h.N} or {@code blocks.N} component marks a
 * layer tensor ({@code model.layers.3.mlp.up_proj.weight}, {@code transformer.h.3.attn.c_attn.weight},
 * {@code model.decoder.layers.3...}). Other tensors are pre-layer when they are embeddings, post-layer otherwise
 * (final norm, {@code lm_head}), which decides the slice they are taken from (merge-methods.md §2.4).
 */
public final class TensorName {
    private static final Pattern LAYER = Pattern.compile("^(|.*?\\.)(layers|h|blocks)\\.(\\d{1,9})\\.(.+)$");
    private static final Pattern EMBEDDING = Pattern.compile("(^|\\.)(embed[a-z_]*|wte|wpe|word_embeddings"
            + "|position_embeddings|token_type_embeddings)(\\.|$)");

    /** Decomposition of a layer tensor name: {@code prefix + index + "." + suffix}. */
    public record Layer(String prefix, int index, String suffix) {
        public String withIndex(int i) {
            return prefix + i + "." + suffix;
        }
    }

    private TensorName() {
    }

    public static Optional<Layer> layer(String name) {
        Matcher m = LAYER.matcher(name);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Layer(m.group(1) + m.group(2) + ".", Integer.parseInt(m.group(3)), m.group(4)));
    }

    /** A non-layer tensor that belongs before the layers (embeddings). */
    public static boolean isPreLayer(String name) {
        return EMBEDDING.matcher(name).find();
    }

    /** The output head that tied-embedding models omit. */
    public static boolean isLmHead(String name) {
        return name.equals("lm_head.weight");
    }

    /** The input embedding a tied model uses as its output head. */
    public static boolean isTokenEmbedding(String name) {
        return name.endsWith("embed_tokens.weight") || name.equals("transformer.wte.weight")
                || name.endsWith("word_embeddings.weight");
    }
}
