package dev.crucible.method;

import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.Operand;

import java.util.List;

/**
 * {@code nuslerp}: mergekit's second SLERP (Arcee AI, 2025; no paper): {@code t} comes from the two models'
 * weights, the vectors may be rows, columns or the whole tensor, and an optional base makes it a SLERP of task
 * vectors. Crucible's evaluation, merge-methods.md §3.3:
 * <pre>
 * t = w1/(w0 + w1), or 0.5 when |w0 + w1| &lt; 1e-6           (binary64)
 * v_m = x_m, or δ_m = x_m − b with a base (binary32, recomputed identically by the kernels)
 * per vector, reduction (binary64): G00, G11, G01
 * host per vector: n0 = max(sqrt(G00), 1e-7), n1 = max(sqrt(G11), 1e-7), c = clamp(G01/(n0·n1), −1, 1)
 *                  θ = acos(c), s = sin θ
 *                  |s| &lt; 1e-8:  (k0, k1) = (1 − t, t)
 *                  else:        (k0, k1) = (sin((1 − t)·θ)/s, sin(t·θ)/s)                      (StrictMath)
 * kernel: r = fl32(k0)·v0 + fl32(k1)·v1 ;  with a base: r = b + (fl32(k0)·δ0 + fl32(k1)·δ1)
 * </pre>
 * Vectors: {@code nuslerp_flatten} (default) → the whole tensor; else {@code nuslerp_row_wise} → fibres along
 * dim 0 (a matrix's columns {@code W[:, j]}; for higher ranks the vectors mergekit gets from
 * {@code transpose(0, −1)}); else fibres along the last dim (rows {@code W[i, :]}); a 0-d or 1-d tensor is always
 * one vector.
 *
 * <p>Edge cases: v0 and v1 are the first and second non-base inputs in config order (mergekit uses hash order;
 * the result is symmetric, {@code slerp(t, a, b) = slerp(1 − t, b, a)}, up to rounding). Unlike {@code slerp},
 * the colinear test is {@code |sin θ| < 1e-8} after a clamp, and norms are floored at 1e-7 (a zero vector has
 * {@code c = 0}, so {@code θ = π/2}). mergekit computes in the compute dtype; Crucible in binary32 with binary64
 * reductions (§2.8). One input in total (just one model, or just the base) is passed through, as in mergekit.
 *
 * <p>Inputs: exactly two models besides the optional base. A base with a single other model is mergekit's
 * {@code NuSlerp base model can not be one of the two models to merge}; other counts are
 * {@code NuSlerp merge expects exactly two models (plus optional base model)}.
 */
public final class NuSlerp implements MergeMethod {
    private static final double WEIGHT_SUM_EPS = 1e-6;
    private static final double NORM_FLOOR = 1e-7;
    private static final double COLINEAR_SIN = 1e-8;

    private static final MethodInfo INFO = new MethodInfo("nuslerp", "NuSLERP", null, MethodInfo.BaseUse.OPTIONAL,
            List.of(ParamSpec.requiredPerModel("weight", "relative weight; t = w1 / (w0 + w1)"),
                    ParamSpec.globalBool("nuslerp_row_wise", false,
                            "interpolate the vectors along dim 0 (columns) instead of the last dim (rows)"),
                    ParamSpec.globalBool("nuslerp_flatten", true,
                            "interpolate the whole tensor as one vector (overrides nuslerp_row_wise)")),
            "Spherical interpolation of two models by weight, per tensor, row or column; with a base model, of "
                    + "their task vectors.");

    @Override
    public MethodInfo info() {
        return INFO;
    }

    @Override
    public String checkInputs(int inputs, boolean hasBase) {
        if (inputs == 2 || inputs + (hasBase ? 1 : 0) == 1) {
            return null;
        }
        if (inputs == 1) {
            return "NuSlerp base model can not be one of the two models to merge"
                    + " (with base_model, nuslerp needs two other models)";
        }
        return "NuSlerp merge expects exactly two models (plus optional base model), got " + inputs
                + (hasBase ? " besides the base" : "");
    }

    @Override
    public MergeResult merge(MergeContext ctx) {
        if (ctx.inputs().size() < 2) {
            return new MergeResult.Unchanged(ctx.inputs().isEmpty() ? ctx.base() : ctx.inputs().getFirst());
        }
        double t = position(ctx.inputs().get(0).param("weight").orElseThrow(),
                ctx.inputs().get(1).param("weight").orElseThrow());
        FibreLayout vectors = vectors(ctx);
        Operand b = ctx.base() == null ? null : ctx.base().data();
        Operand[] xs = ctx.operands();
        double[] gram = ctx.backend().gram(b, xs, vectors);
        float[] k = new float[Math.toIntExact(2 * vectors.fibres())];
        for (long f = 0; f < vectors.fibres(); f++) {
            setCoefficients(t, new GramMatrix(gram, 2, f), k, (int) (2 * f));
        }
        ctx.backend().blend(b, xs, k, vectors, ctx.output());
        return MergeResult.WRITTEN;
    }

    /** mergekit's guard against weights that cancel: "fairly arbitrary, but more sane than exploding". */
    private static double position(double w0, double w1) {
        double sum = w0 + w1;
        return Math.abs(sum) < WEIGHT_SUM_EPS ? 0.5 : w1 / sum;
    }

    private static FibreLayout vectors(MergeContext ctx) {
        if (ctx.flag("nuslerp_flatten")) {
            return FibreLayout.whole(ctx.numel());
        }
        return ctx.flag("nuslerp_row_wise") ? FibreLayout.alongDim(ctx.shape(), 0) : FibreLayout.lastDim(ctx.shape());
    }

    /** Writes {@code fl32(k0), fl32(k1)} of one vector pair at {@code k[at]}, {@code k[at + 1]}. */
    private static void setCoefficients(double t, GramMatrix g, float[] k, int at) {
        double n0 = Math.max(g.norm(0), NORM_FLOOR);
        double n1 = Math.max(g.norm(1), NORM_FLOOR);
        double theta = StrictMath.acos(Math.clamp(g.at(0, 1) / (n0 * n1), -1.0, 1.0));
        double s = StrictMath.sin(theta);
        if (Math.abs(s) < COLINEAR_SIN) {
            k[at] = (float) (1 - t);
            k[at + 1] = (float) t;
        } else {
            k[at] = (float) (StrictMath.sin((1 - t) * theta) / s);
            k[at + 1] = (float) (StrictMath.sin(t * theta) / s);
        }
    }
}
