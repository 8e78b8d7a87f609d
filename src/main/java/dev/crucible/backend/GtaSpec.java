package dev.crucible.backend;

/**
 * Everything the generalized task arithmetic kernel needs besides the tensors (merge-methods.md §3.6, §2.11).
 *
 * @param masks     per model: which task-vector elements survive sparsification
 * @param scales    per model: the rescale factor {@code fl32(A/B)}, or 1
 * @param inverseP  rescale kept elements by {@code 1/p} (paper DARE/DELLA) instead of {@code scales}
 * @param weights   per model: {@code fl32(w_m)}
 * @param consensus how signs are elected
 * @param normalize divide by the (kept) weight sum
 * @param divisor   without consensus: {@code fl32(Σ w_m)}, 1 when {@code |Σ w| < 1e-8}
 * @param lambda    {@code fl32(λ)}; applied only when {@code λ ≠ 1}
 */
public record GtaSpec(Mask[] masks, float[] scales, boolean inverseP, float[] weights, Consensus consensus,
                      boolean normalize, float divisor, float lambda) {

    /** Sign election (TIES). */
    public enum Consensus {
        /** no election: every weighted delta is summed */
        NONE,
        /** mergekit: elect by the sign of the sum of weighted deltas */
        SUM,
        /** elect by the majority of the signs of the weighted deltas */
        COUNT,
        /** the TIES paper: elect by the sign of the sum of unweighted (trimmed) deltas */
        SUM_UNWEIGHTED
    }
}
