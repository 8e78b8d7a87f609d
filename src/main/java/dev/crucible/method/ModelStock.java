package dev.crucible.method;

import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.Operand;

import java.util.List;

/**
 * {@code model_stock}: moves the base towards the average of the other models by a ratio {@code t} set by the
 * angle between their offsets from the base (Jang et al., "Model Stock: All we need is just a few fine-tuned
 * models", arXiv 2403.19522).
 *
 * <pre>
 * o_i = x_i − b (binary32);  G = Gram of the offsets (binary64), per tensor or, with filter_wise, per last-dim fibre
 * host, per fibre:  cos_ik = clamp( G_ik / max(√G_ii · √G_kk, 1e-6), −1, 1 )   for the pairs i &lt; k
 *                   cosθ   = (Σ cos_ik over (0,1), (0,2), …, (1,2), …) / #pairs
 *                   t      = N·cosθ / (1 + (N − 1)·cosθ)
 * kernel:           s = Σ_i x_i ;  avg = s / N ;  r = fl32(t)·avg + fl32(1 − t)·b
 * </pre>
 * Averaging the pairwise cosines for N &gt; 2 is mergekit's choice; the paper only defines one angle
 * (merge-methods.md §3.9).
 *
 * <p>Edge cases: only the base present returns the base unchanged. One model besides the base is an error: mergekit
 * raises for a required weight and silently drops an optional one, and Crucible does not leave a tensor out of the
 * output behind the user's back. {@code 1 + (N − 1)·cosθ == 0} (e.g. two exactly antiparallel offsets) is an error
 * naming the tensor, where mergekit writes inf/NaN (§4 #14). Offsets of zero length have cosine 0 with every other
 * offset (the 1e-6 floor). A 1-D tensor under {@code filter_wise} is one fibre, as in mergekit.
 */
public final class ModelStock implements MergeMethod {
    private static final MethodInfo INFO = new MethodInfo("model_stock", "Model Stock",
            "https://arxiv.org/abs/2403.19522", MethodInfo.BaseUse.REQUIRED,
            List.of(ParamSpec.globalBool("filter_wise", false,
                    "one interpolation ratio per row (last-dimension fibre) instead of per tensor")),
            "Interpolates from the base towards the models' average by a ratio set by the angle between their"
                    + " offsets from the base.");

    /** mergekit's floor on the product of the offsets' norms. */
    private static final double NORM_FLOOR = 1e-6;

    @Override
    public MethodInfo info() {
        return INFO;
    }

    @Override
    public String checkInputs(int inputs, boolean hasBase) {
        return inputs == 1 ? "model_stock needs at least two models besides the base model, got one" : null;
    }

    @Override
    public MergeResult merge(MergeContext ctx) {
        Operand[] xs = ctx.operands();
        if (xs.length == 0) {
            return new MergeResult.Unchanged(ctx.base());
        }
        // The planner has already refused this; with one model there is no pair to take an angle from.
        String problem = checkInputs(xs.length, true);
        if (problem != null) {
            throw ctx.error(problem);
        }
        FibreLayout fibres = ctx.flag("filter_wise") ? FibreLayout.lastDim(ctx.shape())
                : FibreLayout.whole(ctx.numel());
        Operand b = ctx.base().data();
        double[] gram = ctx.backend().gram(b, xs, fibres);
        int n = xs.length;
        int entries = n * (n + 1) / 2;
        int count = Math.toIntExact(fibres.fibres());
        float[] t = new float[count];
        float[] u = new float[count];
        for (int f = 0; f < count; f++) {
            double cosTheta = meanCosine(gram, f * entries, n);
            double denominator = 1.0 + (n - 1) * cosTheta;
            if (denominator == 0.0) {
                throw ctx.error("model_stock: the offsets from the base point in opposite directions"
                        + (count > 1 ? " in row " + f : "")
                        + ", so 1 + (N − 1)·cos θ = 0 and the interpolation ratio t is undefined");
            }
            double ratio = n * cosTheta / denominator;
            t[f] = (float) ratio;
            u[f] = (float) (1.0 - ratio);
        }
        ctx.backend().modelStock(b, xs, t, u, fibres, ctx.output());
        return MergeResult.WRITTEN;
    }

    /**
     * cos θ of one fibre: the mean of the clamped pairwise cosines, from its Gram entries {@code g[at..]} (pairs
     * i ≤ k, upper triangle row by row), summed in pair order.
     */
    private static double meanCosine(double[] g, int at, int n) {
        double sum = 0.0;
        int pairs = 0;
        for (int i = 0; i < n; i++) {
            for (int k = i + 1; k < n; k++) {
                double norms = Math.sqrt(g[at + entry(n, i, i)]) * Math.sqrt(g[at + entry(n, k, k)]);
                double cos = g[at + entry(n, i, k)] / Math.max(norms, NORM_FLOOR);
                sum += Math.min(Math.max(cos, -1.0), 1.0);
                pairs++;
            }
        }
        return sum / pairs;
    }

    /** Index of pair (i, k), i ≤ k, in the upper triangle listed row by row: (0,0), (0,1), …, (1,1), …. */
    private static int entry(int n, int i, int k) {
        return i * n - i * (i - 1) / 2 + (k - i);
    }
}
