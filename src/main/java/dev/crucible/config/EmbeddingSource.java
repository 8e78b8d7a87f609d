package dev.crucible.config;

/** Where the embedding row of a configured token comes from (config-and-cli.md §8, {@code tokens.<t>.source}). */
public sealed interface EmbeddingSource
        permits EmbeddingSource.FromModel, EmbeddingSource.ModelToken, EmbeddingSource.Zero {

    /** That model's own embedding of the same token. */
    record FromModel(ModelReference model) implements EmbeddingSource {
    }

    /** The embedding of another token of a model, named by id or by text (exactly one is set). */
    record ModelToken(ModelReference model, Integer tokenId, String token) implements EmbeddingSource {
        public ModelToken {
            if ((tokenId == null) == (token == null)) {
                throw new IllegalArgumentException("exactly one of tokenId and token must be set");
            }
        }
    }

    /** An all-zero row. */
    record Zero() implements EmbeddingSource {
    }
}
