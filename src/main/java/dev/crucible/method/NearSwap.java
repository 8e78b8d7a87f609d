package dev.crucible.method;

import java.util.List;

/**
 * {@code nearswap}: takes the other model's value where it nearly equals the base's and keeps close to the base
 * elsewhere (after alchemonaut's QuartetAnemoi-70B-t0.0001 model card,
 * https://huggingface.co/alchemonaut/QuartetAnemoi-70B-t0.0001).
 *
 * <pre>
 * kernel: d = |b − x| ;  ω = min(max(fl32(t) / max(d, fl32(1e-6)), 0), 1) ;  r = ω·x + (1 − ω)·b
 * </pre>
 * Where {@code d ≤ t} the weight saturates at 1 and the result is {@code x}; farther away the other model's share
 * falls as {@code t/d} (merge-methods.md §3.10). The 1e-6 floor gives identical elements ω = 1 for any
 * {@code t ≥ 1e-6}, where mergekit gets inf and maps it to 1; the result is the same value.
 *
 * <p>Edge cases: only the base present returns the base unchanged; more than one model besides the base is a
 * plan-time error with mergekit's wording. A {@code t ≤ 0} makes ω = 0 everywhere and returns the base's values.
 */
public final class NearSwap implements MergeMethod {
    private static final MethodInfo INFO = new MethodInfo("nearswap", "NearSwap",
            "https://huggingface.co/alchemonaut/QuartetAnemoi-70B-t0.0001", MethodInfo.BaseUse.REQUIRED,
            List.of(ParamSpec.requiredGlobal("t", "similarity threshold: elements closer than t take the other"
                    + " model's value")),
            "Takes the other model's values where they are close to the base, and stays near the base elsewhere.");

    @Override
    public MethodInfo info() {
        return INFO;
    }

    @Override
    public String checkInputs(int inputs, boolean hasBase) {
        return inputs <= 1 ? null
                : "NearSwap merge expects exactly two models, one base and one other; got " + (inputs + 1);
    }

    @Override
    public MergeResult merge(MergeContext ctx) {
        if (ctx.inputs().isEmpty()) {
            return new MergeResult.Unchanged(ctx.base());
        }
        ctx.backend().nearswap(ctx.base().data(), ctx.inputs().getFirst().data(), (float) ctx.global("t"),
                ctx.output());
        return MergeResult.WRITTEN;
    }
}
