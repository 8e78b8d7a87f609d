package dev.crucible.config;

/**
 * How one token listed under {@code tokenizer.tokens} gets its embedding. A null source leaves the choice to the
 * tokenizer build; {@code force} applies the source to every model, even those that have the token.
 */
public record TokenEmbedding(EmbeddingSource source, boolean force) {
}
