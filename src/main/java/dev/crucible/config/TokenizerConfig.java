package dev.crucible.config;

import java.util.Map;

/** The {@code tokenizer:} section (config-and-cli.md §8); {@code padToMultipleOf} is null when not set. */
public record TokenizerConfig(TokenizerSource source, Map<String, TokenEmbedding> tokens, Integer padToMultipleOf) {
    public TokenizerConfig {
        tokens = Copies.orderedMap(tokens);
    }
}
