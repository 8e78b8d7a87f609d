package dev.crucible.method;

import dev.crucible.backend.Backend;
import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.GtaSpec;
import dev.crucible.backend.Keys;
import dev.crucible.backend.Mask;
import dev.crucible.backend.Operand;
import dev.crucible.rng.MaskKey;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The generalized task arithmetic family: task_arithmetic, ties, dare_ties, dare_linear, breadcrumbs,
 * breadcrumbs_ties, della, della_linear (merge-methods.md §3.6). One class configured by a sparsifier, whether signs
 * are elected, and defaults:
 * <pre>
 * per model m:  δ_m = x_m − b ;  δ'_m = (δ_m · mask_m) · scale_m ;  wd_m = fl32(w_m) · δ'_m
 * consensus:    M = sign of Σ wd_m (≥ 0 → +) ; mixed = Σ_{sign(wd_m) = M} wd_m ; div = Σ_{kept} w_m (0 → 1)
 * otherwise:    mixed = Σ wd_m ; div = fl32(Σ w_m), 1 when |Σ w| < 1e-8
 * r = b + ((normalize ? mixed / div : mixed) · λ)
 * </pre>
 * Task arithmetic: Ilharco et al., arXiv 2212.04089. TIES: Yadav et al., arXiv 2306.01708. DARE: Yu et al.,
 * arXiv 2311.03099. Breadcrumbs: Davari and Belilovsky, arXiv 2312.06795. DELLA: Deep et al., arXiv 2406.11617.
 *
 * <p>Sparsifiers (§2.12): magnitude keeps exactly k = int(density·numel) largest |δ|, ties by lowest index, and with
 * k = 0 keeps nothing and warns (mergekit asserts); random keeps each element with probability density from Philox;
 * magnitude_outliers keeps the rank band [n_top, numel − n_bot) — also when n_top = 0, where mergekit drops the whole
 * delta; della_magprune draws with a probability from the element's magnitude rank along dimension 1. density ≥ 1
 * disables every sparsifier. {@code rescale: true} (or {@code l1}) multiplies kept values by A/B, the L1 norms before
 * and after masking; {@code rescale: density} divides each kept value by its keep probability, the papers' rule.
 * {@code consensus: count | sum_unweighted} elect by majority of signs or, as the TIES paper, by the unweighted sum.
 */
public final class TaskArithmetic implements MergeMethod {

    /** How a model's task vector is thinned before combining (§2.12). */
    public enum Sparsifier { NONE, MAGNITUDE, RANDOM, MAGNITUDE_OUTLIERS, DELLA_MAGPRUNE }

    private static final double NO_RESCALE = 0;
    private static final double RESCALE_L1 = 1;
    private static final double RESCALE_INVERSE_P = 2;
    private static final Map<String, Double> RESCALE_CHOICES = Map.of("false", NO_RESCALE, "true", RESCALE_L1,
            "l1", RESCALE_L1, "density", RESCALE_INVERSE_P);
    private static final Map<String, Double> CONSENSUS_CHOICES = Map.of("sum", 0.0, "count", 1.0,
            "sum_unweighted", 2.0);
    private static final GtaSpec.Consensus[] CONSENSUS = {GtaSpec.Consensus.SUM, GtaSpec.Consensus.COUNT,
        GtaSpec.Consensus.SUM_UNWEIGHTED};

    private final MethodInfo info;
    private final Sparsifier sparsifier;
    private final boolean consensus;

    private TaskArithmetic(String name, String prettyName, String url, Sparsifier sparsifier, boolean consensus,
                           boolean normalize, boolean rescale) {
        this.sparsifier = sparsifier;
        this.consensus = consensus;
        List<ParamSpec> params = new ArrayList<>();
        params.add(ParamSpec.requiredPerModel("weight", "scale of the model's task vector"));
        params.add(ParamSpec.perModel("density", 1.0, "fraction of the task vector kept (≥ 1: all)"));
        if (sparsifier == Sparsifier.MAGNITUDE_OUTLIERS) {
            params.add(ParamSpec.perModel("gamma", 0.01, "fraction of all elements dropped from the top"));
        }
        if (sparsifier == Sparsifier.DELLA_MAGPRUNE) {
            params.add(ParamSpec.perModel("epsilon", 0.15, "keep probabilities span density ± epsilon"));
        }
        params.add(ParamSpec.globalBool("normalize", normalize, "divide by the sum of the (kept) weights"));
        params.add(ParamSpec.choice("rescale", RESCALE_CHOICES, rescale ? RESCALE_L1 : NO_RESCALE,
                "restore the L1 norm after sparsifying (true/l1), or divide by the keep probability (density)"));
        params.add(ParamSpec.global("lambda", 1.0, "scale of the merged task vector"));
        params.add(ParamSpec.globalBool("int8_mask", false, "accepted for compatibility; no effect"));
        if (consensus) {
            params.add(ParamSpec.choice("consensus", CONSENSUS_CHOICES, 0.0,
                    "sign election: sum of weighted deltas (sum), majority (count), unweighted sum"));
        }
        if (sparsifier == Sparsifier.MAGNITUDE) {
            params.add(ParamSpec.globalBool("mergekit_assert_k_zero", false,
                    "fail like mergekit when density keeps no element"));
        }
        if (sparsifier == Sparsifier.MAGNITUDE_OUTLIERS) {
            params.add(ParamSpec.globalBool("mergekit_breadcrumbs_empty_band", false,
                    "drop the whole delta when gamma·numel < 1, as mergekit does"));
        }
        this.info = new MethodInfo(name, prettyName, url, MethodInfo.BaseUse.REQUIRED, List.copyOf(params),
                summary(sparsifier, consensus));
    }

    /** The eight registered variants, with mergekit's names and defaults (§3.6's table). */
    public static List<MergeMethod> variants() {
        String dare = "https://arxiv.org/abs/2311.03099";
        String crumbs = "https://arxiv.org/abs/2312.06795";
        String della = "https://arxiv.org/abs/2406.11617";
        return List.of(
                new TaskArithmetic("task_arithmetic", "Task Arithmetic", "https://arxiv.org/abs/2212.04089",
                        Sparsifier.NONE, false, false, false),
                new TaskArithmetic("ties", "TIES", "https://arxiv.org/abs/2306.01708", Sparsifier.MAGNITUDE, true,
                        true, false),
                new TaskArithmetic("dare_ties", "DARE TIES", dare, Sparsifier.RANDOM, true, false, true),
                new TaskArithmetic("dare_linear", "Linear DARE", dare, Sparsifier.RANDOM, false, false, true),
                new TaskArithmetic("breadcrumbs", "Model Breadcrumbs", crumbs, Sparsifier.MAGNITUDE_OUTLIERS, false,
                        false, false),
                new TaskArithmetic("breadcrumbs_ties", "Model Breadcrumbs with TIES", crumbs,
                        Sparsifier.MAGNITUDE_OUTLIERS, true, false, false),
                new TaskArithmetic("della", "DELLA", della, Sparsifier.DELLA_MAGPRUNE, true, true, true),
                new TaskArithmetic("della_linear", "Linear DELLA", della, Sparsifier.DELLA_MAGPRUNE, false, false,
                        true));
    }

    private static String summary(Sparsifier sparsifier, boolean consensus) {
        String thin = switch (sparsifier) {
            case NONE -> "Adds the weighted task vectors (model − base) to the base";
            case MAGNITUDE -> "Keeps each task vector's largest-magnitude elements";
            case RANDOM -> "Drops task-vector elements at random (Philox, seeded) and rescales";
            case MAGNITUDE_OUTLIERS -> "Keeps a middle band of task-vector magnitudes";
            case DELLA_MAGPRUNE -> "Drops task-vector elements with probabilities from their magnitude rank";
        };
        return thin + (consensus ? ", elects a sign per element and averages the agreeing models." : ".");
    }

    @Override
    public MethodInfo info() {
        return info;
    }

    @Override
    public String checkInputs(int inputs, boolean hasBase) {
        return hasBase ? null : info.name() + " needs a base model";
    }

    @Override
    public String checkParameters(Map<String, Double> global, Map<String, Double> model) {
        double density = model.getOrDefault("density", 1.0);
        if (sparsifier == Sparsifier.RANDOM && density < 0) {
            return "density must not be negative, got " + density;
        }
        if (global.getOrDefault("rescale", NO_RESCALE) == RESCALE_INVERSE_P && sparsifier != Sparsifier.RANDOM
                && sparsifier != Sparsifier.DELLA_MAGPRUNE) {
            return "rescale: density applies to random sparsifiers (dare_*, della*), not " + info.name();
        }
        if (sparsifier == Sparsifier.DELLA_MAGPRUNE && density > 0 && density < 1) {
            double eps = model.getOrDefault("epsilon", 0.15);
            if (!(density - eps > 0 && density + eps < 1)) {
                return "Epsilon must be chosen such that density +/- epsilon is in (0, 1): density " + density
                        + ", epsilon " + eps;
            }
        }
        return null;
    }

    @Override
    public MergeResult merge(MergeContext ctx) {
        List<MergeContext.Input> inputs = ctx.inputs();
        if (inputs.isEmpty()) {
            return new MergeResult.Unchanged(ctx.base());
        }
        Operand b = ctx.base().data();
        int n = inputs.size();
        Mask[] masks = new Mask[n];
        float[] scales = new float[n];
        float[] weights = new float[n];
        double weightSum = 0;
        double rescale = ctx.global("rescale");
        for (int m = 0; m < n; m++) {
            MergeContext.Input in = inputs.get(m);
            double w = in.param("weight").orElseThrow();
            weights[m] = (float) w;
            weightSum += w;
            masks[m] = mask(ctx, in);
            scales[m] = rescale == RESCALE_L1 && !(masks[m] instanceof Mask.All)
                    ? l1Scale(ctx.backend().l1(b, in.data(), masks[m])) : 1f;
        }
        GtaSpec.Consensus election = consensus ? CONSENSUS[(int) ctx.global("consensus")] : GtaSpec.Consensus.NONE;
        float divisor = Math.abs(weightSum) < 1e-8 ? 1f : (float) weightSum;
        GtaSpec spec = new GtaSpec(masks, scales, rescale == RESCALE_INVERSE_P, weights, election,
                ctx.flag("normalize"), divisor, (float) ctx.global("lambda"));
        ctx.backend().gta(spec, b, ctx.operands(), ctx.output());
        return MergeResult.WRITTEN;
    }

    /** L1 rescale {@code A/B}, skipped (1) when either norm is below 1e-7 (§2.12). */
    private static float l1Scale(double[] sums) {
        double a = sums[0];
        double kept = sums[1];
        return a < 1e-7 || kept < 1e-7 ? 1f : (float) (a / kept);
    }

    private Mask mask(MergeContext ctx, MergeContext.Input in) {
        double density = in.param("density").orElse(1.0);
        if (sparsifier == Sparsifier.NONE || density >= 1) {
            return new Mask.All();
        }
        Backend backend = ctx.backend();
        Keys keys = new Keys.DeltaMagnitude(in.data(), ctx.base().data());
        long numel = ctx.numel();
        return switch (sparsifier) {
            case NONE -> new Mask.All();
            case MAGNITUDE -> {
                long k = Math.max(0, (long) (density * numel));
                if (k == 0) {
                    if (ctx.flag("mergekit_assert_k_zero")) {
                        throw ctx.error("not gonna zero out the whole tensor buddy (density " + density
                                + " keeps no element of " + in.model() + "; mergekit_assert_k_zero is set)");
                    }
                    ctx.warnings().affecting("k-zero:" + in.model(), info.name() + ": density " + density
                            + " keeps no element of some tensors of " + in.model() + "; they get nothing from it",
                            ctx.tensorName());
                    yield new Mask.None();
                }
                yield new Mask.Top(keys, backend.top(keys, k));
            }
            case RANDOM -> density <= 0 ? new Mask.None()
                    : new Mask.Bernoulli(MaskKey.of(ctx.seed(), ctx.tensorName(), in.sourceIndex()), density);
            case MAGNITUDE_OUTLIERS -> band(ctx, keys, density, in.param("gamma").orElse(0.01), numel);
            case DELLA_MAGPRUNE -> density <= 0 ? new Mask.None()
                    : new Mask.Della(keys, MaskKey.of(ctx.seed(), ctx.tensorName(), in.sourceIndex()), density,
                    in.param("epsilon").orElse(0.15), FibreLayout.alongDim(ctx.shape(), 1));
        };
    }

    /** Breadcrumbs: ranks {@code n_top ≤ r < numel − n_bot} of |δ| (§2.12.3). */
    private static Mask band(MergeContext ctx, Keys keys, double density, double gamma, long numel) {
        long target = (long) (density * numel);
        long top = (long) (gamma * numel);
        long bottom = numel - target - top;
        if (bottom < 0) {
            top += bottom;
            bottom = 0;
        }
        long within = numel - bottom;
        if (within <= top || within <= 0) {
            return new Mask.None();
        }
        if (top <= 0 && ctx.flag("mergekit_breadcrumbs_empty_band")) {
            return new Mask.None();
        }
        Backend backend = ctx.backend();
        Mask kept = within >= numel ? new Mask.All() : new Mask.Top(keys, backend.top(keys, within));
        Mask dropped = top <= 0 ? new Mask.None() : new Mask.Top(keys, backend.top(keys, top));
        return new Mask.Band(kept, dropped);
    }
}
