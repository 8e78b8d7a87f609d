package dev.crucible.method;

import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.Operand;

import java.util.List;

/**
 * {@code karcher}: the Karcher (Riemannian) mean of the inputs' directions on the unit hypersphere, scaled by their
 * mean norm (H. Karcher, "Riemannian center of mass and mollifier smoothing", CPAM 1977;
 * https://en.wikipedia.org/wiki/Karcher_mean). Every input, an appended base included, has weight {@code α = 1/N}.
 *
 * <p>mergekit iterates on whole tensors. Every vector it forms ({@code U_i}, the mean {@code u}, the tangent
 * {@code T}) is a linear combination of the inputs, so Crucible runs the same iteration on coefficient vectors
 * {@code c} with {@code u = Σ c_i x_i}, reading dot products and norms off the Gram matrix (merge-methods.md §3.5):
 * <pre>
 * reduction: G_ik = Σ x_i·x_k (binary64)
 * host (binary64, StrictMath; u·x_k = (G c)_k, ‖u‖ = sqrt(cᵀ G c), U_i = e_i / n_i):
 *   n_i = sqrt(G_ii) ;  valid = {i : n_i > tol} ;  none valid → r = 0
 *   a_i = α / Σ_valid α ;  u = Σ_valid a_i U_i ;  ‖u‖ &lt; tol → u = U_first valid, else u = u/‖u‖
 *   repeat max_iter times:
 *       T = 0
 *       for valid i: d = clamp(u·U_i, −1, 1) ; θ = acos d ; θ &lt; tol → skip
 *                    T += a_i·(θ/sin θ)·(U_i − d·u)
 *       ‖T‖ &lt; tol → stop
 *       u = cos‖T‖·u + sin‖T‖·(T/‖T‖) ;  ‖u‖ > tol → u = u/‖u‖
 *   β = (Σ_all α·n_i)·c                                   (zero-norm inputs count in the scale)
 * kernel: r = Σ_i fl32(β_i)·x_i
 * </pre>
 * One data pass for the Gram matrix and one for the output, instead of one per iteration. Edge cases: the result
 * differs from mergekit by rounding only (mergekit rounds {@code U_i} and {@code u} to the tensor dtype at every
 * step and takes norms in float32); a zero input has a zero unit vector, as in mergekit (it can only be valid with
 * a negative {@code tol}); "r = 0" is computed as {@code Σ 0·x_i}, so an element may come out as −0, or NaN where
 * an input holds NaN;
 * {@code max_iter ≤ 0} returns the normalized linear mean. Mismatched embedding shapes are rectified by the planner
 * (mergekit's rectification is lost, §4 #11). One input is passed through.
 *
 * <p>Inputs: at least one model.
 */
public final class Karcher implements MergeMethod {
    private static final MethodInfo INFO = new MethodInfo("karcher", "Karcher Mean",
            "https://en.wikipedia.org/wiki/Karcher_mean", MethodInfo.BaseUse.ORDINARY,
            List.of(ParamSpec.globalInt("max_iter", 10, "most fixed-point iterations on the sphere"),
                    ParamSpec.global("tol", 1e-5,
                            "convergence threshold on the tangent step; also the least norm and angle counted")),
            "Equal-weight Karcher mean of the models' directions on the hypersphere, scaled to their mean norm.");

    @Override
    public MethodInfo info() {
        return INFO;
    }

    @Override
    public String checkInputs(int inputs, boolean hasBase) {
        return inputs >= 1 ? null : "karcher needs at least one model";
    }

    @Override
    public MergeResult merge(MergeContext ctx) {
        if (ctx.inputs().size() == 1) {
            return new MergeResult.Unchanged(ctx.inputs().getFirst());
        }
        Operand[] xs = ctx.operands();
        FibreLayout whole = FibreLayout.whole(ctx.numel());
        GramMatrix g = new GramMatrix(ctx.backend().gram(null, xs, whole), xs.length, 0);
        float[] beta = new Iteration(g, ctx.global("tol")).mean((long) ctx.global("max_iter"));
        ctx.backend().blend(null, xs, beta, whole, ctx.output());
        return MergeResult.WRITTEN;
    }

    /** The iteration for one tensor, on coefficient vectors over the inputs. */
    private static final class Iteration {
        private final GramMatrix g;
        private final double tol;
        private final int models;
        private final double alpha;
        private final double[] norm;
        /** Coefficient of x_i in U_i: 1/n_i, or 0 for a zero input (mergekit's zero unit vector). */
        private final double[] unit;
        /** a = α / Σ_valid α, the same for every valid input since all α are equal. */
        private final double validWeight;
        private final int firstValid;

        Iteration(GramMatrix g, double tol) {
            this.g = g;
            this.tol = tol;
            this.models = g.models();
            this.alpha = 1.0 / models;
            this.norm = new double[models];
            this.unit = new double[models];
            double validAlpha = 0.0;
            int first = -1;
            for (int i = 0; i < models; i++) {
                norm[i] = g.norm(i);
                unit[i] = norm[i] == 0.0 ? 0.0 : 1 / norm[i];
                if (valid(i)) {
                    validAlpha += alpha;
                    first = first < 0 ? i : first;
                }
            }
            this.validWeight = alpha / validAlpha;
            this.firstValid = first;
        }

        /** Inputs too short to have a direction take no part in the mean (they still count in the scale). */
        private boolean valid(int i) {
            return norm[i] > tol;
        }

        /** {@code fl32(β)}, the output's coefficient of each input, after at most {@code maxIter} steps. */
        float[] mean(long maxIter) {
            float[] beta = new float[models];
            if (firstValid < 0) {
                return beta;
            }
            double[] u = start();
            for (long it = 0; it < maxIter; it++) {
                double[] tangent = tangent(u);
                double step = g.length(tangent);
                if (step < tol) {
                    break;
                }
                u = exp(u, tangent, step);
            }
            double scale = 0.0;
            for (int i = 0; i < models; i++) {
                scale += alpha * norm[i];
            }
            for (int i = 0; i < models; i++) {
                beta[i] = (float) (scale * u[i]);
            }
            return beta;
        }

        /** The normalized weighted mean of the unit vectors, or the first valid one when that mean vanishes. */
        private double[] start() {
            double[] u = new double[models];
            for (int i = 0; i < models; i++) {
                u[i] = valid(i) ? validWeight * unit[i] : 0.0;
            }
            double len = g.length(u);
            if (len < tol) {
                u = new double[models];
                u[firstValid] = unit[firstValid];
                return u;
            }
            return divided(u, len);
        }

        /** {@code T = Σ_valid a·(θ_i/sin θ_i)·(U_i − d_i·u)}: the weighted log map of the inputs at u. */
        private double[] tangent(double[] u) {
            double[] dots = g.times(u);
            double[] t = new double[models];
            for (int i = 0; i < models; i++) {
                if (!valid(i)) {
                    continue;
                }
                double d = Math.clamp(dots[i] * unit[i], -1.0, 1.0);
                double theta = StrictMath.acos(d);
                if (theta < tol) {
                    continue; // u already points at U_i; θ/sin θ would be 0/0 at θ = 0
                }
                double f = validWeight * (theta / StrictMath.sin(theta));
                for (int k = 0; k < models; k++) {
                    double unitK = k == i ? unit[i] : 0.0;
                    t[k] += f * (unitK - d * u[k]);
                }
            }
            return t;
        }

        /** The exponential map: move u along T by ‖T‖, then renormalize unless the result is ~0. */
        private double[] exp(double[] u, double[] tangent, double step) {
            double cos = StrictMath.cos(step);
            double sin = StrictMath.sin(step);
            double[] next = new double[models];
            for (int k = 0; k < models; k++) {
                next[k] = cos * u[k] + sin * (tangent[k] / step);
            }
            double len = g.length(next);
            return len > tol ? divided(next, len) : next;
        }

        private static double[] divided(double[] v, double d) {
            double[] r = new double[v.length];
            for (int k = 0; k < v.length; k++) {
                r[k] = v[k] / d;
            }
            return r;
        }
    }
}
