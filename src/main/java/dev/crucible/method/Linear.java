package dev.crucible.method;

import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.Operand;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * {@code linear}: weighted average of the inputs (Wortsman et al., "Model soups", arXiv 2203.05482).
 *
 * <pre>
 * host:   S = Σ w_m (binary64);  c_m = w_m / S if normalize else w_m
 * kernel: r = Σ_m fl32(c_m) · x_m
 * </pre>
 * Edge cases (merge-methods.md §3.1, §4 #8, #9): weights are used exactly (mergekit rounds them to the compute
 * dtype); {@code normalize} with S == 0 is an error instead of inf/NaN; a base model appended by the
 * {@code models:} form without a weight is ignored with a warning instead of crashing.
 */
public final class Linear implements MergeMethod {
    private static final MethodInfo INFO = new MethodInfo("linear", "Linear", "https://arxiv.org/abs/2203.05482",
            MethodInfo.BaseUse.ORDINARY,
            List.of(ParamSpec.requiredPerModel("weight", "scale of the model in the sum (may be negative)"),
                    ParamSpec.globalBool("normalize", true, "divide by the sum of the weights")),
            "Weighted average of the models' tensors.");

    @Override
    public MethodInfo info() {
        return INFO;
    }

    @Override
    public String checkInputs(int inputs, boolean hasBase) {
        return inputs >= 1 ? null : "linear needs at least one model";
    }

    @Override
    public MergeResult merge(MergeContext ctx) {
        List<MergeContext.Input> used = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        for (MergeContext.Input in : ctx.inputs()) {
            OptionalDouble w = in.param("weight");
            if (w.isEmpty()) {
                // Only the base can lack a weight (the planner enforces "required" for every other model).
                ctx.warnings().warn("linear-unweighted-base", "linear: base model " + in.model()
                        + " has no weight and is not averaged in (mergekit would fail here)");
                continue;
            }
            used.add(in);
            weights.add(w.getAsDouble());
        }
        if (used.isEmpty()) {
            throw ctx.error("linear: no model has a weight");
        }
        double sum = 0.0;
        for (double w : weights) {
            sum += w;
        }
        boolean normalize = ctx.flag("normalize");
        if (normalize && sum == 0.0) {
            throw ctx.error("linear: the weights sum to zero, so normalize: true would divide by zero"
                    + " (set normalize: false or change the weights)");
        }
        Operand[] xs = new Operand[used.size()];
        float[] c = new float[used.size()];
        for (int m = 0; m < xs.length; m++) {
            xs[m] = used.get(m).data();
            c[m] = (float) (normalize ? weights.get(m) / sum : weights.get(m));
        }
        ctx.backend().blend(null, xs, c, FibreLayout.whole(ctx.numel()), ctx.output());
        return MergeResult.WRITTEN;
    }
}
