package dev.crucible.method;

import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.Operand;

import java.util.List;
import java.util.OptionalDouble;

/**
 * {@code passthrough}: copies its single input, optionally multiplied by {@code scale}; the tool of layer-stacking
 * "frankenmerges" built with {@code slices:}.
 *
 * <p>{@code r = x · fl32(scale)} when a scale applies to the tensor (the filter matches the <em>input</em> name,
 * with the source layer index), else {@code r = x}. Without a scale and with an unchanged dtype the stored bytes
 * are copied verbatim: no widening, no NaN canonicalization (merge-methods.md §3.12).
 */
public final class Passthrough implements MergeMethod {
    private static final MethodInfo INFO = new MethodInfo("passthrough", "Passthrough", null,
            MethodInfo.BaseUse.ORDINARY,
            List.of(ParamSpec.optionalPerModel("scale", "multiplies the tensor (usually with a filter)")),
            "Copies one model's tensors unchanged; used to stack layers from several models.");

    @Override
    public MethodInfo info() {
        return INFO;
    }

    @Override
    public String checkInputs(int inputs, boolean hasBase) {
        return inputs == 1 ? null
                : "passthrough expects exactly one model per tensor, got " + inputs
                        + " (use slices: with one source each, and no base_model that would be appended)";
    }

    @Override
    public MergeResult merge(MergeContext ctx) {
        MergeContext.Input in = ctx.inputs().getFirst();
        OptionalDouble scale = in.param("scale");
        if (scale.isEmpty()) {
            return new MergeResult.Unchanged(in);
        }
        ctx.backend().blend(null, new Operand[] {in.data()}, new float[] {(float) scale.getAsDouble()},
                FibreLayout.whole(ctx.numel()), ctx.output());
        return MergeResult.WRITTEN;
    }
}
