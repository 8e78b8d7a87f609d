package dev.crucible.method;

import dev.crucible.backend.Operand;

import java.util.List;

/**
 * {@code ram} and {@code ramplus_tl}: Reinforced Agent Merging (arXiv 2601.13572). An element changed by one
 * model only keeps that model's full change; an element changed by several gets the average of their changes, so
 * unique contributions are not diluted by models that left them alone.
 *
 * <pre>
 * nz_m = |δ_m| &gt; fl32(ε) ;  c = #{m : nz_m} ;  unique ⇔ c == 1 ;  shared ⇔ c &gt; 1
 * ramplus_tl, host (binary64), per model over the whole tensor:
 *     sh_m = #{j : nz_m,j ∧ shared_j} ;  un_m = #{j : nz_m,j ∧ unique_j}
 *     ρ_m = sh_m / max(un_m, ε) ;  λ_m = 1 + r · min(max(ρ_m, 0), α)
 * kernel: result = b + Σ_{m : nz_m} (unique ? δ_m · fl32(λ_m) : δ_m / c)        (λ_m = 1 for ram)
 * </pre>
 * RAM+ boosts the unique changes of a model in proportion to how much of its change is shared with others, up to
 * {@code 1 + r·α} (merge-methods.md §3.8); the tensor-local variant counts per tensor, not over the whole model.
 * Elements no model changed by more than ε stay at the base's value.
 *
 * <p>Edge cases: no model besides the base returns the base unchanged. A model with shared but no unique elements
 * has ρ = sh/ε, clamped to α; its λ then multiplies nothing. mergekit's {@code ramplus_tl} returns float32 whatever
 * the inputs' dtype; Crucible writes the normal output dtype (§2.8 N8, §4 #16).
 */
public final class Ram implements MergeMethod {
    private static final String URL = "https://arxiv.org/abs/2601.13572";
    private static final ParamSpec EPSILON = ParamSpec.global("epsilon", 1e-5,
            "a model changes an element when |x − base| exceeds this");
    private static final Ram RAM = new Ram(new MethodInfo("ram", "Reinforced Agent Merging", URL,
            MethodInfo.BaseUse.REQUIRED, List.of(EPSILON),
            "Keeps each model's unique changes in full and averages the changes several models share."), false);
    private static final Ram RAM_PLUS_TL = new Ram(new MethodInfo("ramplus_tl",
            "Reinforced Agent Merging Plus (Tensor-Local)", URL, MethodInfo.BaseUse.REQUIRED,
            List.of(ParamSpec.global("r", 0.1, "boost rate of a model's unique changes"),
                    ParamSpec.global("alpha", 0.2, "cap on the shared-to-unique ratio that sets the boost"),
                    EPSILON),
            "RAM that also scales each model's unique changes up by how much of its change it shares with the"
                    + " others, counted per tensor."), true);

    private final MethodInfo info;
    private final boolean boostUnique;

    private Ram(MethodInfo info, boolean boostUnique) {
        this.info = info;
        this.boostUnique = boostUnique;
    }

    /** Plain RAM: {@code ram}. */
    public static Ram ram() {
        return RAM;
    }

    /** RAM+ with tensor-local counts: {@code ramplus_tl}. */
    public static Ram ramPlusTensorLocal() {
        return RAM_PLUS_TL;
    }

    @Override
    public MethodInfo info() {
        return info;
    }

    @Override
    public String checkInputs(int inputs, boolean hasBase) {
        return null;
    }

    @Override
    public MergeResult merge(MergeContext ctx) {
        if (ctx.inputs().isEmpty()) {
            return new MergeResult.Unchanged(ctx.base());
        }
        double epsilon = ctx.global("epsilon");
        // mergekit compares a float32 tensor with the Python float ε, which PyTorch casts to float32.
        float threshold = (float) epsilon;
        Operand b = ctx.base().data();
        Operand[] xs = ctx.operands();
        float[] lambdas = boostUnique ? lambdas(ctx.backend().ramCounts(b, xs, threshold), epsilon,
                ctx.global("r"), ctx.global("alpha")) : null;
        ctx.backend().ram(b, xs, threshold, lambdas, ctx.output());
        return MergeResult.WRITTEN;
    }

    /** {@code fl32(λ_m)} from the counts {@code [shared_0, unique_0, shared_1, …]}. */
    private static float[] lambdas(long[] counts, double epsilon, double r, double alpha) {
        float[] lambdas = new float[counts.length / 2];
        for (int m = 0; m < lambdas.length; m++) {
            double rho = counts[2 * m] / Math.max(counts[2 * m + 1], epsilon);
            lambdas[m] = (float) (1.0 + r * Math.min(Math.max(rho, 0.0), alpha));
        }
        return lambdas;
    }
}
