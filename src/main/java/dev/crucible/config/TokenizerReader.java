package dev.crucible.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads {@code tokenizer:} and the legacy {@code tokenizer_source:} (config-and-cli.md §8). */
final class TokenizerReader {
    private static final List<String> EMBEDDING_KINDS = List.of("model_token", "zero");

    private TokenizerReader() {
    }

    /** {@code union}, {@code base}, or a model reference. */
    static TokenizerSource source(ConfigNode node) {
        String keyword = node.isMapping() ? "" : node.string();
        return switch (keyword) {
            case "union" -> new TokenizerSource.Union();
            case "base" -> new TokenizerSource.Base();
            default -> new TokenizerSource.Model(ModelReferenceReader.read(node));
        };
    }

    static TokenizerConfig config(ConfigNode node) {
        ConfigMapping tokenizer = node.mapping("source", "tokens", "pad_to_multiple_of");
        return new TokenizerConfig(
                tokenizer.optional("source").map(TokenizerReader::source).orElseGet(TokenizerSource.Union::new),
                tokenizer.optional("tokens").map(TokenizerReader::tokens).orElse(Map.of()),
                tokenizer.optional("pad_to_multiple_of").map(TokenizerReader::padding).orElse(null));
    }

    private static Map<String, TokenEmbedding> tokens(ConfigNode node) {
        Map<String, TokenEmbedding> tokens = new LinkedHashMap<>();
        node.openMapping().all().forEach((token, value) -> tokens.put(token, embedding(value)));
        return tokens;
    }

    /** A token listed with no settings ({@code "<|x|>":}) is only added, with the default embedding source. */
    private static TokenEmbedding embedding(ConfigNode node) {
        if (node.isNull()) {
            return new TokenEmbedding(null, false);
        }
        ConfigMapping embedding = node.mapping("source", "force");
        return new TokenEmbedding(
                embedding.optional("source").map(TokenizerReader::embeddingSource).orElse(null),
                embedding.optional("force").map(ConfigNode::bool).orElse(false));
    }

    /** A mapping with {@code kind} is a model token or a zero row; any other value is a model reference. */
    private static EmbeddingSource embeddingSource(ConfigNode node) {
        if (node.isMapping()) {
            ConfigMapping source = node.openMapping();
            if (source.has("kind")) {
                return ofKind(source);
            }
        }
        return new EmbeddingSource.FromModel(ModelReferenceReader.read(node));
    }

    private static EmbeddingSource ofKind(ConfigMapping source) {
        ConfigNode kind = source.required("kind");
        return switch (kind.string()) {
            case "zero" -> {
                source.allowOnly(List.of("kind"));
                yield new EmbeddingSource.Zero();
            }
            case "model_token" -> modelToken(source.allowOnly(List.of("kind", "model", "token_id", "token")));
            default -> throw kind.error("unknown embedding kind '" + kind.string() + "'"
                    + NearestName.hint(kind.string(), EMBEDDING_KINDS) + "; expected model_token or zero");
        };
    }

    private static EmbeddingSource modelToken(ConfigMapping source) {
        source.requireExclusive(true, "exactly one of token_id or token must be specified", "token_id", "token");
        return new EmbeddingSource.ModelToken(
                ModelReferenceReader.read(source.required("model")),
                source.optional("token_id").map(ConfigNode::integer).orElse(null),
                source.optional("token").map(ConfigNode::string).orElse(null));
    }

    private static int padding(ConfigNode node) {
        int multiple = node.integer();
        if (multiple <= 0) {
            throw node.error("expected a positive integer, got " + multiple);
        }
        return multiple;
    }
}
