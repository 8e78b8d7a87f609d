package dev.crucible.analyze;

/**
 * One model's task vector {@code δ = x − base} on one tensor: its L2 norm, that norm relative to the base weights'
 * norm, and the fraction of its elements that are exactly zero.
 */
public record ModelFigures(String model, double deltaNorm, double relativeNorm, double zeroFraction) {
}
