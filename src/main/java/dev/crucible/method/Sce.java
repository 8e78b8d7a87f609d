package dev.crucible.method;

import dev.crucible.backend.Backend;
import dev.crucible.backend.Keys;
import dev.crucible.backend.Mask;
import dev.crucible.backend.Operand;
import dev.crucible.backend.Selection;

import java.util.List;

/**
 * {@code sce}: Select, Calculate, Erase, the merge of FuseChat (Wan et al., arXiv 2408.07990). Keeps the
 * task-vector elements that vary most across the models, weights each model by the mean square of its kept task
 * vector, and averages only the entries that agree with the elected sign.
 *
 * <pre>
 * select (select_topk &lt; 1):  var_j = population variance over m of δ_m,j (binary32, as Keys.DeltaVariance)
 *         nnz = #{j : var_j ≠ 0} ;  k = int(nnz · select_topk) (binary64)
 *         keep = top-k of var (merge-methods.md §2.13: exactly k, ties by lowest flat index); k == 0 keeps nothing
 *         (select_topk ≥ 1 keeps everything);  δ'_m = δ_m · keep
 * calculate (host, binary64):  w_m = (Σ_j δ'_m,j²) / numel ;  W = Σ_m w_m
 *         |W| &lt; 1e-6 → w_m = 1/N  else  w_m = w_m / W
 * erase (kernel):  S = Σ_m δ'_m ;  M = S ≥ 0 ? +1 : −1 ;  E_m = sign(δ'_m) == M
 *         r = b + (Σ_{E_m} δ'_m · fl32(w_m)) / max(Σ_{E_m} fl32(w_m), fl32(1e-6))
 * </pre>
 * The sign election is on the unweighted task vectors, as in mergekit (merge-methods.md §3.7). Elements whose
 * variance is 0 are never selected when {@code select_topk < 1}, even where every model moved them by the same
 * amount; that is mergekit's rule too.
 *
 * <p>Edge cases: no model besides the base, or {@code select_topk ≤ 0}, returns the base unchanged (mergekit
 * produces a wrongly shaped tensor for the latter, §4 #12). {@code k} is computed in binary64 where mergekit's
 * {@code int(tensor · float)} rounds {@code nnz} to binary32, so the two may differ by one when nnz &gt; 2^24.
 * {@code int8_mask} only changed a mask's memory layout in mergekit; it is accepted and has no effect.
 */
public final class Sce implements MergeMethod {
    private static final MethodInfo INFO = new MethodInfo("sce", "SCE", "https://arxiv.org/abs/2408.07990",
            MethodInfo.BaseUse.REQUIRED,
            List.of(ParamSpec.global("select_topk", 1.0,
                            "fraction of the elements with nonzero variance across the models that is kept"),
                    ParamSpec.globalBool("int8_mask", false, "accepted for mergekit compatibility; no effect")),
            "Keeps the elements that differ most between the models, weights the models by the size of their"
                    + " changes and averages the changes that agree in sign.");

    /** mergekit's bound below which the weights' sum counts as zero and every model gets 1/N. */
    private static final double WEIGHT_SUM_FLOOR = 1e-6;

    @Override
    public MethodInfo info() {
        return INFO;
    }

    @Override
    public String checkInputs(int inputs, boolean hasBase) {
        return null;
    }

    @Override
    public MergeResult merge(MergeContext ctx) {
        double topk = ctx.global("select_topk");
        if (ctx.inputs().isEmpty() || topk <= 0) {
            return new MergeResult.Unchanged(ctx.base());
        }
        Backend backend = ctx.backend();
        Operand b = ctx.base().data();
        Operand[] xs = ctx.operands();
        Mask keep = topk >= 1 ? new Mask.All() : selectByVariance(backend, xs, b, topk);

        double[] squares = backend.sumSquares(b, xs, keep);
        double[] w = new double[xs.length];
        double sum = 0.0;
        for (int m = 0; m < xs.length; m++) {
            w[m] = squares[m] / ctx.numel();
            sum += w[m];
        }
        float[] weights = new float[xs.length];
        for (int m = 0; m < xs.length; m++) {
            weights[m] = (float) (Math.abs(sum) < WEIGHT_SUM_FLOOR ? 1.0 / xs.length : w[m] / sum);
        }
        backend.sce(b, xs, keep, weights, ctx.output());
        return MergeResult.WRITTEN;
    }

    /** The k elements of greatest variance across the models, k = int(nnz · topk), for 0 &lt; topk &lt; 1. */
    private static Mask selectByVariance(Backend backend, Operand[] xs, Operand b, double topk) {
        Keys variance = new Keys.DeltaVariance(xs, b);
        long nonzero = variance.numel() - Selection.countKey(backend, variance, 0);
        long k = (long) (nonzero * topk);
        return k == 0 ? new Mask.None() : new Mask.Top(variance, backend.top(variance, k));
    }
}
