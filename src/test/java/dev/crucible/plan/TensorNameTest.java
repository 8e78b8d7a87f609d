package dev.crucible.plan;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorNameTest {
    @Test
    void findsLayersInCommonArchitectures() {
        assertEquals(new TensorName.Layer("model.layers.", 12, "mlp.up_proj.weight"),
                TensorName.layer("model.layers.12.mlp.up_proj.weight").orElseThrow());
        assertEquals(new TensorName.Layer("transformer.h.3.", 3, "attn.c_attn.weight").suffix(),
                TensorName.layer("transformer.h.3.attn.c_attn.weight").orElseThrow().suffix());
        assertEquals("transformer.h.", TensorName.layer("transformer.h.3.attn.c_attn.weight").orElseThrow().prefix());
        assertEquals("model.decoder.layers.", TensorName.layer("model.decoder.layers.0.fc1.weight").orElseThrow()
                .prefix());
        assertEquals(7, TensorName.layer("blocks.7.norm.weight").orElseThrow().index());
        assertEquals("model.layers.5.mlp.up_proj.weight", TensorName.layer("model.layers.12.mlp.up_proj.weight")
                .orElseThrow().withIndex(5));
    }

    @Test
    void nonLayerTensorsAreNotLayers() {
        assertTrue(TensorName.layer("model.embed_tokens.weight").isEmpty());
        assertTrue(TensorName.layer("lm_head.weight").isEmpty());
        assertTrue(TensorName.layer("model.norm.weight").isEmpty());
        // "h" must be a whole name component, and the index must be followed by more of the name
        assertTrue(TensorName.layer("model.graph.3.weight").isEmpty());
        assertTrue(TensorName.layer("model.layers.3").isEmpty());
    }

    @Test
    void embeddingsComeBeforeTheLayersEverythingElseAfter() {
        assertTrue(TensorName.isPreLayer("model.embed_tokens.weight"));
        assertTrue(TensorName.isPreLayer("transformer.wte.weight"));
        assertTrue(TensorName.isPreLayer("transformer.wpe.weight"));
        assertTrue(TensorName.isPreLayer("bert.embeddings.word_embeddings.weight"));
        assertFalse(TensorName.isPreLayer("model.norm.weight"));
        assertFalse(TensorName.isPreLayer("lm_head.weight"));
        assertFalse(TensorName.isPreLayer("transformer.ln_f.weight"));
    }

    @Test
    void recognisesHeadsAndTokenEmbeddings() {
        assertTrue(TensorName.isLmHead("lm_head.weight"));
        assertTrue(TensorName.isTokenEmbedding("model.embed_tokens.weight"));
        assertTrue(TensorName.isTokenEmbedding("transformer.wte.weight"));
        assertFalse(TensorName.isTokenEmbedding("transformer.wpe.weight"));
    }
}
