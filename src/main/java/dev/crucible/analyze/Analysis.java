package dev.crucible.analyze;

import java.util.List;

/**
 * The result of {@code crucible analyze}: per-tensor figures of the models against the base, after a merge the
 * retention of each source, the recommendation, and warnings (e.g. models that share no base).
 *
 * @param config the config file as given (shown in the report)
 * @param base   the base model's label, or null when the config has none
 */
public record Analysis(String config, String base, List<String> models, List<TensorFigures> tensors,
                       List<RetentionFigures> retention, Recommendation recommendation, List<String> warnings) {
}
