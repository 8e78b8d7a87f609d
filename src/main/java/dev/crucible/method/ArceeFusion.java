package dev.crucible.method;

import dev.crucible.backend.Backend;
import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.Keys;
import dev.crucible.backend.Operand;
import dev.crucible.backend.Selection;
import dev.crucible.io.DType;

import java.lang.foreign.Arena;
import java.util.List;

/**
 * {@code arcee_fusion}: takes the other model's value only where its change from the base is an outlier in
 * importance, so most of the base survives (Arcee AI, https://arcee.ai; no paper).
 *
 * <pre>
 * kernel, per row (last-dimension fibre; a 1-D tensor is one row), binary64 inside, binary32 out:
 *         p = softmax(x) + 1e-8 ;  q = softmax(a) + 1e-8 ;  kl = Σ_row p·log(p/q)
 *         imp_j = fl32(|x_j − a_j| · kl)
 * host:   s = imp sorted ascending (merge-methods.md §2.13 order on the signed value; s[i] is the (numel − i)-th
 *         largest) ;  q(v) = s[int(v · (numel − 1))], index in binary64
 *         thr = q(0.5) + 1.5·(q(0.75) − q(0.25))            (binary32, one rounding per operation)
 * kernel: r = a + (x − a) · (imp ≥ thr ? 1 : 0)
 * </pre>
 * {@code a} is the base, {@code x} the other model (merge-methods.md §3.11). The threshold is median + 1.5·IQR of
 * the importance, the usual upper outlier fence.
 *
 * <p>Decisions: the quantiles are exact over the whole tensor, where mergekit sorts a random sample of 10^6
 * elements once a tensor is larger than that (§4 #15); up to that size both read the same sorted positions (the
 * index products are exact in mergekit's float32 too). The threshold is computed in binary32 because mergekit
 * computes it on float32 scalars and compares it with float32 importances: binary64 with one final rounding could
 * move the threshold by an ulp and flip elements that sit on it. The output has the normal output dtype, not
 * float32 (§4 #16). The importance uses {@code exp} and {@code log}, so engines agree to a tolerance only.
 *
 * <p>Edge cases: only the base present, or an empty tensor (which has no quantiles), returns the base unchanged;
 * more than one model besides the base is a plan-time error with mergekit's wording. When at least about three
 * quarters of the importances are 0 (the other model left most rows alone, or shifted rows by a constant, which
 * has KL 0) all three quantiles are 0, so the threshold is 0 and, the test being {@code ≥} and KL not negative up
 * to rounding, every element passes: the result is {@code x} throughout, as in mergekit.
 */
public final class ArceeFusion implements MergeMethod {
    private static final MethodInfo INFO = new MethodInfo("arcee_fusion", "Arcee Fusion", "https://arcee.ai",
            MethodInfo.BaseUse.REQUIRED, List.of(),
            "Keeps the base except where the other model's change is an outlier in importance (|change| times the"
                    + " KL divergence of the row's softmax).");

    @Override
    public MethodInfo info() {
        return INFO;
    }

    @Override
    public String checkInputs(int inputs, boolean hasBase) {
        return inputs <= 1 ? null
                : "ArceeFusion merge expects exactly two models (the base and one other), got " + (inputs + 1);
    }

    @Override
    public MergeResult merge(MergeContext ctx) {
        long numel = ctx.numel();
        if (ctx.inputs().isEmpty() || numel == 0) {
            return new MergeResult.Unchanged(ctx.base());
        }
        Backend backend = ctx.backend();
        Operand a = ctx.base().data();
        Operand x = ctx.inputs().getFirst().data();
        // The importance is kernel-to-kernel state, never written out; shared because engines fill it in parallel.
        try (Arena arena = Arena.ofShared()) {
            Operand importance = new Operand(DType.F32, arena.allocate(DType.F32.byteSize(numel), Float.BYTES),
                    numel);
            backend.arceeImportance(a, x, FibreLayout.lastDim(ctx.shape()), importance);
            Keys keys = new Keys.Signed(importance);
            float q1 = quantile(backend, keys, 0.25);
            float median = quantile(backend, keys, 0.5);
            float q3 = quantile(backend, keys, 0.75);
            backend.arceeBlend(a, x, importance, median + 1.5f * (q3 - q1), ctx.output());
        }
        return MergeResult.WRITTEN;
    }

    /** {@code s[int(v · (numel − 1))]} of the ascending order, found as a k-th largest key without sorting. */
    private static float quantile(Backend backend, Keys keys, double v) {
        long numel = keys.numel();
        long ascending = (long) (v * (numel - 1));
        return Selection.signedKeyToFloat(Selection.kthLargestKey(backend, keys, numel - ascending));
    }
}
