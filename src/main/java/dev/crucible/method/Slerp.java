package dev.crucible.method;

import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.Operand;

import java.util.List;

/**
 * {@code slerp}: spherical linear interpolation from the base model's tensor {@code a} towards the other model's
 * {@code b}, the whole tensor taken as one vector (Shoemake, "Animating rotation with quaternion curves",
 * SIGGRAPH 1985; https://en.wikipedia.org/wiki/Slerp). Crucible's evaluation, merge-methods.md §3.2:
 * <pre>
 * reduction (binary64): Gaa = Σ a², Gbb = Σ b², Gab = Σ a·b
 * host:   na = sqrt(Gaa), nb = sqrt(Gbb)
 *         dot = Gab / ((na > 1e-8 ? na : 1) · (nb > 1e-8 ? nb : 1))
 *         |dot| > 0.9995:  c0 = 1 − t, c1 = t
 *         else:            θ0 = acos(dot), s0 = sin θ0,
 *                          c0 = sin(θ0 − t·θ0)/s0, c1 = sin(t·θ0)/s0                    (StrictMath)
 * kernel: r = fl32(c0)·a + fl32(c1)·b
 * </pre>
 * Edge cases: the coefficients apply to the un-normalized tensors, as in mergekit; a tensor whose norm is at most
 * 1e-8 is left unnormalized, so its dot is ~0 and the slerp branch runs (a zero base gives {@code sin(t·π/2)·b});
 * {@code |dot| > 1} always takes the LERP branch, so {@code acos} needs no clamp; {@code t = 0} gives the base and
 * {@code t = 1} the other model exactly (for finite values). Near {@code |dot| = 0.9995} the branch may differ from
 * mergekit's float32 arithmetic; both branches agree to first order there. With only the base present (the other
 * model lacks the tensor) the base is passed through, as mergekit does.
 *
 * <p>Inputs: base_model is required (the planner refuses a slice without it) plus exactly one other model;
 * mergekit's messages: {@code Slerp merge expects exactly two models}, {@code Base model not in input tensors}.
 */
public final class Slerp implements MergeMethod {
    private static final double COLINEAR_DOT = 0.9995;
    private static final double NORMALIZE_EPS = 1e-8;

    private static final MethodInfo INFO = new MethodInfo("slerp", "SLERP", "https://en.wikipedia.org/wiki/Slerp",
            MethodInfo.BaseUse.REQUIRED,
            List.of(ParamSpec.requiredGlobal("t", "position on the arc: 0 = the base model, 1 = the other model")),
            "Spherical interpolation between the base model and one other model.");

    @Override
    public MethodInfo info() {
        return INFO;
    }

    @Override
    public String checkInputs(int inputs, boolean hasBase) {
        if (!hasBase) {
            return "Base model not in input tensors (slerp interpolates from base_model to one other model)";
        }
        return inputs <= 1 ? null
                : "Slerp merge expects exactly two models: base_model and one other, got " + (inputs + 1);
    }

    @Override
    public MergeResult merge(MergeContext ctx) {
        if (ctx.inputs().isEmpty()) {
            return new MergeResult.Unchanged(ctx.base());
        }
        Operand[] ab = {ctx.base().data(), ctx.inputs().getFirst().data()};
        FibreLayout whole = FibreLayout.whole(ctx.numel());
        GramMatrix g = new GramMatrix(ctx.backend().gram(null, ab, whole), 2, 0);
        ctx.backend().blend(null, ab, coefficients(ctx.global("t"), g), whole, ctx.output());
        return MergeResult.WRITTEN;
    }

    /** {@code {fl32(c0), fl32(c1)}} for the base (vector 0) and the other model (vector 1). */
    private static float[] coefficients(double t, GramMatrix g) {
        double dot = g.at(0, 1) / (normalizer(g.norm(0)) * normalizer(g.norm(1)));
        if (Math.abs(dot) > COLINEAR_DOT) {
            return new float[] {(float) (1 - t), (float) t};
        }
        double theta0 = StrictMath.acos(dot);
        double s0 = StrictMath.sin(theta0);
        // sin(θ0 − t·θ0), not sin((1 − t)·θ0): mergekit's operation order, which nuslerp does not share
        double c0 = StrictMath.sin(theta0 - t * theta0) / s0;
        return new float[] {(float) c0, (float) (StrictMath.sin(t * theta0) / s0)};
    }

    /** mergekit divides by the norm only when it exceeds 1e-8, so tiny tensors keep their own length. */
    private static double normalizer(double norm) {
        return norm > NORMALIZE_EPS ? norm : 1.0;
    }
}
