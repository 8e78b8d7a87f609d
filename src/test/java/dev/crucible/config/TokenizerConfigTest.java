package dev.crucible.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code tokenizer:}, {@code tokenizer_source:} and {@code chat_template:} (config-and-cli.md §8, §9). */
class TokenizerConfigTest {
    private static final String MODELS = "merge_method: linear\nmodels:\n  - model: a\n";

    private static MergeConfig parse(String tail) {
        return ConfigLoader.parse(MODELS + tail, "t.yml");
    }

    private static String error(String tail) {
        return assertThrows(ConfigException.class, () -> parse(tail)).getMessage();
    }

    @Test
    void fullTokenizerSection() {
        TokenizerConfig tokenizer = parse("""
                tokenizer:
                  source: org/chat-model
                  tokens:
                    "<|im_start|>":
                      source: org/chat-model
                    "<|x|>":
                      source: org/other
                      force: true
                    "<|y|>":
                      source: {kind: model_token, model: org/other, token: "<|orig|>"}
                    "<|w|>":
                      source: {kind: model_token, model: org/other, token_id: 1234}
                    "<|z|>":
                      source: {kind: zero}
                    "<|added|>":
                  pad_to_multiple_of: 64
                """).tokenizer();
        ModelReference chat = ModelReference.parse("org/chat-model");
        ModelReference other = ModelReference.parse("org/other");
        assertEquals(new TokenizerSource.Model(chat), tokenizer.source());
        assertEquals(64, tokenizer.padToMultipleOf());
        assertEquals(List.of("<|im_start|>", "<|x|>", "<|y|>", "<|w|>", "<|z|>", "<|added|>"),
                List.copyOf(tokenizer.tokens().keySet()));
        Map<String, TokenEmbedding> tokens = tokenizer.tokens();
        assertEquals(new TokenEmbedding(new EmbeddingSource.FromModel(chat), false), tokens.get("<|im_start|>"));
        assertEquals(new TokenEmbedding(new EmbeddingSource.FromModel(other), true), tokens.get("<|x|>"));
        assertEquals(new EmbeddingSource.ModelToken(other, null, "<|orig|>"), tokens.get("<|y|>").source());
        assertEquals(new EmbeddingSource.ModelToken(other, 1234, null), tokens.get("<|w|>").source());
        assertEquals(new EmbeddingSource.Zero(), tokens.get("<|z|>").source());
        assertEquals(new TokenEmbedding(null, false), tokens.get("<|added|>"));
    }

    @Test
    void defaultsAreUnionWithoutTokens() {
        TokenizerConfig tokenizer = parse("tokenizer: {}\n").tokenizer();
        assertEquals(new TokenizerConfig(new TokenizerSource.Union(), Map.of(), null), tokenizer);
    }

    @Test
    void legacyTokenizerSource() {
        assertEquals(new TokenizerSource.Base(), parse("tokenizer_source: base\n").tokenizerSource());
        assertEquals(new TokenizerSource.Union(), parse("tokenizer_source: union\n").tokenizerSource());
        assertEquals(new TokenizerSource.Model(ModelReference.parse("org/m@rev")),
                parse("tokenizer_source: org/m@rev\n").tokenizerSource());
        assertNull(parse("tokenizer_source: base\n").tokenizer());
    }

    @Test
    void chatTemplateIsKeptVerbatim() {
        assertEquals("chatml", parse("chat_template: chatml\n").chatTemplate());
        assertNull(parse("").chatTemplate());
    }

    @Test
    void modelTokenNeedsExactlyOneOfIdAndText() {
        assertEquals("t.yml:7: tokenizer.tokens.<|y|>.source: exactly one of token_id or token must be specified",
                error("""
                        tokenizer:
                          tokens:
                            "<|y|>":
                              source: {kind: model_token, model: b}
                        """));
        assertEquals("t.yml:10: tokenizer.tokens.<|y|>.source.token: exactly one of token_id or token must be "
                + "specified", error("""
                        tokenizer:
                          tokens:
                            "<|y|>":
                              source:
                                kind: model_token
                                token_id: 3
                                token: x
                                model: b
                        """));
    }

    @Test
    void unknownEmbeddingKindSuggestsTheNearest() {
        assertEquals("t.yml:7: tokenizer.tokens.<|z|>.source.kind: unknown embedding kind 'zeros' "
                + "(did you mean 'zero'?); expected model_token or zero", error("""
                tokenizer:
                  tokens:
                    "<|z|>":
                      source: {kind: zeros}
                """));
    }

    @Test
    void zeroEmbeddingTakesNoOtherKeys() {
        assertEquals("t.yml:7: tokenizer.tokens.<|z|>.source.model: unknown key; expected one of kind", error("""
                tokenizer:
                  tokens:
                    "<|z|>":
                      source: {kind: zero, model: a}
                """));
    }

    @Test
    void paddingMustBePositive() {
        assertEquals("t.yml:5: tokenizer.pad_to_multiple_of: expected a positive integer, got 0",
                error("tokenizer:\n  pad_to_multiple_of: 0\n"));
    }

    @Test
    void forceMustBeABoolean() {
        assertEquals("t.yml:7: tokenizer.tokens.<|x|>.force: expected true or false, got 'sometimes'", error("""
                tokenizer:
                  tokens:
                    "<|x|>":
                      force: sometimes
                """));
    }
}
