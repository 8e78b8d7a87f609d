package dev.crucible.backend;

/**
 * Which elements of a tensor a sparsifier keeps (merge-methods.md §2.12). Masks are never stored: kernels evaluate
 * them per element, from {@link Keys} (the magnitudes of a task vector {@code δ = x − b}, or SCE's variances) and
 * Philox draws.
 */
public sealed interface Mask {

    /** Keeps everything ({@code density ≥ 1}). */
    record All() implements Mask {
    }

    /** Keeps nothing ({@code k == 0}, {@code density ≤ 0}). */
    record None() implements Mask {
    }

    /** Keeps the elements a {@link Threshold} selects among {@code keys}: the k largest, ties by lowest index. */
    record Top(Keys keys, Threshold threshold) implements Mask {
    }

    /** Keeps what {@code within} keeps and {@code excluded} does not (breadcrumbs' middle band). */
    record Band(Mask within, Mask excluded) implements Mask {
    }

    /** DARE: keeps {@code j} iff Philox {@code u32(key, j) < floor(p·2^32)}. */
    record Bernoulli(long key, double p) implements Mask {
    }

    /**
     * DELLA: keeps {@code j} iff {@code u32(key, j) < floor(p_j·2^32)} with {@code p_j = (density − ε) + rn_j·2ε}
     * and {@code rn_j = (rank_j − 1)/(n − 1)} from the rank of element j's key within its fibre (0.5 when n = 1).
     */
    record Della(Keys keys, long key, double density, double epsilon, FibreLayout fibres) implements Mask {
    }
}
