package dev.crucible.method;

/**
 * One fibre's Gram matrix {@code G_ik = Σ v_i·v_k}, as {@link dev.crucible.backend.Backend#gram} packs it (pairs
 * {@code i ≤ k} in row-major order), read on the host in binary64 (merge-methods.md §2.15).
 *
 * <p>The spherical methods (slerp, nuslerp, multislerp, karcher) only ever form linear combinations
 * {@code u = Σ c_i v_i} of their inputs, so every dot product and norm they need is a product of a coefficient
 * vector {@code c} with {@code G}: one pass over the tensor instead of one per step.
 */
final class GramMatrix {
    private final double[] packed;
    private final int offset;
    private final int models;

    /** Fibre {@code fibre} of the packed result of a Gram reduction of {@code models} vectors. */
    GramMatrix(double[] packed, int models, long fibre) {
        this.packed = packed;
        this.models = models;
        this.offset = Math.toIntExact(fibre * (models * (models + 1L) / 2));
    }

    /** The number of vectors. */
    int models() {
        return models;
    }

    /** {@code G_ik}, for either order of the indices (G is symmetric). */
    double at(int i, int k) {
        int lo = Math.min(i, k);
        int hi = Math.max(i, k);
        // rows 0 … lo−1 of the upper triangle hold models, models − 1, … entries
        return packed[offset + lo * models - lo * (lo - 1) / 2 + (hi - lo)];
    }

    /** {@code ‖v_i‖ = sqrt(G_ii)}. */
    double norm(int i) {
        return StrictMath.sqrt(at(i, i));
    }

    /** {@code (G c)_k = Σ_i G_ki·c_i}, summed over i = 0, 1, …: the dot product of {@code Σ c_i v_i} with v_k. */
    double[] times(double[] c) {
        double[] r = new double[models];
        for (int k = 0; k < models; k++) {
            double s = 0.0;
            for (int i = 0; i < models; i++) {
                s += at(k, i) * c[i];
            }
            r[k] = s;
        }
        return r;
    }

    /**
     * {@code ‖Σ c_i v_i‖ = sqrt(Σ_i Σ_k (c_i·c_k)·G_ik)}, summed in row-major order over the full square.
     * Rounding can take the sum of a vanishing combination slightly below zero; that reads as length 0, not NaN
     * (a NaN in the data still propagates).
     */
    double length(double[] c) {
        double s = 0.0;
        for (int i = 0; i < models; i++) {
            for (int k = 0; k < models; k++) {
                s += c[i] * c[k] * at(i, k);
            }
        }
        return StrictMath.sqrt(Math.max(0.0, s));
    }
}
