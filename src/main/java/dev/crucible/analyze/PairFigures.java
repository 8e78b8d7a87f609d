package dev.crucible.analyze;

/** Two models' task vectors on one tensor: the cosine of the angle between them (NaN when either is zero). */
public record PairFigures(String first, String second, double cosine) {
}
