package dev.crucible.analyze;

import java.util.List;

/** The merge method {@code crucible analyze} suggests, a density where the method takes one, and why. */
public record Recommendation(String method, Double density, List<String> reasons) {
}
