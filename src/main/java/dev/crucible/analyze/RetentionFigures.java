package dev.crucible.analyze;

/**
 * After a merge, what the merged tensor kept of one source's task vector: the cosine between
 * {@code merged − base} and {@code source − base}, and the kept fraction
 * {@code (merged − base)·(source − base) / |source − base|²} (1 when the merge carries the whole delta, 0 when it
 * cancelled it; NaN for a zero delta).
 */
public record RetentionFigures(String tensor, int layer, String module, String model, double cosine,
                               double keptFraction) {
}
