package dev.crucible.method;

import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.Operand;

import java.util.List;

/**
 * {@code multislerp}: weighted interpolation of any number of models on the hypersphere, optionally of their
 * task vectors (C. Goddard, https://goddard.blog/posts/multislerp-wow-what-a-cool-idea).
 *
 * <p>mergekit projects the unit-normalized inputs onto the tangent space at their normalized weighted mean, but
 * that tangent sum is zero in exact arithmetic, so its result is the closed form
 * {@code (Σ w_m n_m) · m_raw/‖m_raw‖} with {@code m_raw = Σ w_m X_m/(n_m + eps)}
 * (merge-methods.md §3.4, §4 #20).
 * Crucible evaluates that closed form from one Gram pass:
 * <pre>
 * X_m = x_m, or δ_m = x_m − b with a base
 * reduction: G_mk = Σ X_m·X_k (binary64)
 * host:   w'_m = w_m / Σw if normalize_weights, else w_m ;  n_m = sqrt(G_mm) ;  a_m = 1/(n_m + eps)
 *         M = sqrt(Σ_m Σ_k (w'_m a_m)(w'_k a_k) G_mk)                               (= ‖m_raw‖)
 *         M &lt; eps:  N == 2 → β_m = w'_m  (mergekit's linear fallback) ;  N &gt; 2 → error (antipodal inputs)
 *         else:     β_m = (Σ_k w'_k n_k) · w'_m a_m / M
 * kernel: r = Σ_m fl32(β_m)·X_m ;  with a base: r = b + Σ_m fl32(β_m)·δ_m
 * </pre>
 * Edge cases: a single model is passed through and the base ignored, as in mergekit; so is a base left alone
 * (mergekit fails on an empty stack). Weights are used exactly. {@code normalize_weights} with {@code Σw = 0} is
 * an error instead of mergekit's inf/NaN, as for {@code linear} (§4 #8). A zero input has {@code a_m = 1/eps} but
 * contributes nothing, as in mergekit. Shapes are rectified by the planner, which mergekit does not do for this
 * method.
 *
 * <p>Inputs: at least one model besides the optional base.
 */
public final class MultiSlerp implements MergeMethod {
    private static final MethodInfo INFO = new MethodInfo("multislerp", "Multi-SLERP",
            "https://goddard.blog/posts/multislerp-wow-what-a-cool-idea", MethodInfo.BaseUse.OPTIONAL,
            List.of(ParamSpec.requiredPerModel("weight", "the model's share of the interpolation"),
                    ParamSpec.globalBool("normalize_weights", true, "divide the weights by their sum"),
                    ParamSpec.global("eps", 1e-8, "added to the norms before dividing; antipodal threshold")),
            "Spherical interpolation of any number of models (or of their task vectors, with a base model): "
                    + "direction of the weighted mean of the unit vectors, length of the weighted mean norm.");

    @Override
    public MethodInfo info() {
        return INFO;
    }

    @Override
    public String checkInputs(int inputs, boolean hasBase) {
        return inputs >= 1 || hasBase ? null : "multislerp needs at least one model";
    }

    @Override
    public MergeResult merge(MergeContext ctx) {
        if (ctx.inputs().size() < 2) {
            return new MergeResult.Unchanged(ctx.inputs().isEmpty() ? ctx.base() : ctx.inputs().getFirst());
        }
        Operand b = ctx.base() == null ? null : ctx.base().data();
        Operand[] xs = ctx.operands();
        FibreLayout whole = FibreLayout.whole(ctx.numel());
        GramMatrix g = new GramMatrix(ctx.backend().gram(b, xs, whole), xs.length, 0);
        ctx.backend().blend(b, xs, coefficients(ctx, weights(ctx), g), whole, ctx.output());
        return MergeResult.WRITTEN;
    }

    /** {@code w'}: the per-model weights, divided by their sum when {@code normalize_weights} is set. */
    private static double[] weights(MergeContext ctx) {
        double[] w = new double[ctx.inputs().size()];
        double sum = 0.0;
        for (int m = 0; m < w.length; m++) {
            w[m] = ctx.inputs().get(m).param("weight").orElseThrow();
            sum += w[m];
        }
        if (!ctx.flag("normalize_weights")) {
            return w;
        }
        if (sum == 0.0) {
            throw ctx.error("multislerp: the weights sum to zero, so normalize_weights: true would divide by zero"
                    + " (set normalize_weights: false or change the weights)");
        }
        for (int m = 0; m < w.length; m++) {
            w[m] = w[m] / sum;
        }
        return w;
    }

    /** {@code fl32(β)}: the closed form's coefficient of each input (or task vector). */
    private static float[] coefficients(MergeContext ctx, double[] w, GramMatrix g) {
        double eps = ctx.global("eps");
        int models = w.length;
        double[] a = new double[models];
        double[] raw = new double[models]; // m_raw = Σ raw_m X_m
        double meanNorm = 0.0;
        for (int m = 0; m < models; m++) {
            double n = g.norm(m);
            a[m] = 1 / (n + eps);
            raw[m] = w[m] * a[m];
            meanNorm += w[m] * n;
        }
        double rawNorm = g.length(raw);
        boolean antipodal = rawNorm < eps;
        if (antipodal && models > 2) {
            throw ctx.error("multislerp: the weighted sum of the input tensors is zero. This occurs when antipodal"
                    + " vectors or sets of vectors have weights that exactly balance out (e.g., vectors a,-a with"
                    + " equal weights). Try using different weights if you have antipodal vectors.");
        }
        float[] beta = new float[models];
        for (int m = 0; m < models; m++) {
            // two antipodal models: mergekit falls back to the linear blend w'_0·X_0 + w'_1·X_1
            beta[m] = (float) (antipodal ? w[m] : meanNorm * w[m] * a[m] / rawNorm);
        }
        return beta;
    }
}
