package dev.crucible.method;

import dev.crucible.Warnings;
import dev.crucible.backend.Backend;
import dev.crucible.backend.cpu.CpuReference;
import dev.crucible.io.DType;
import dev.crucible.io.FloatFormats;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs a method on hand-written vectors through the CPU reference and returns the stored output bytes. */
final class MethodHarness {
    final Warnings warnings = new Warnings();
    private final List<MergeContext.Input> inputs = new ArrayList<>();
    private MergeContext.Input base;

    MethodHarness input(String model, DType dtype, float[] values, Map<String, Double> params) {
        inputs.add(input(model, false, dtype, values, params));
        return this;
    }

    MethodHarness baseInput(String model, DType dtype, float[] values, Map<String, Double> params,
                            boolean separate) {
        MergeContext.Input in = input(model, true, dtype, values, params);
        if (separate) {
            base = in;
        } else {
            inputs.add(in);
        }
        return this;
    }

    static MergeContext.Input input(String model, boolean isBase, DType dtype, float[] values,
                                    Map<String, Double> params) {
        MemorySegment bytes = Arena.ofAuto().allocate(dtype.byteSize(values.length), 8);
        for (int i = 0; i < values.length; i++) {
            switch (dtype) {
                case BF16 -> bytes.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, FloatFormats.floatToBf16(values[i]));
                case F16 -> bytes.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, FloatFormats.floatToF16(values[i]));
                case F32 -> bytes.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, values[i]);
                default -> throw new IllegalArgumentException(dtype.toString());
            }
        }
        return new MergeContext.Input(model, "t", isBase, dtype, bytes, values.length, params);
    }

    /** Merges into binary32 values (stored as F32, so no output rounding hides anything). */
    float[] merge(MergeMethod method, Map<String, Double> global) {
        try (Backend backend = new CpuReference();
             MergeContext ctx = new MergeContext("t", backend, inputs, base, global, warnings)) {
            MergeResult r = method.merge(ctx);
            long n = inputs.getFirst().numel();
            MemorySegment out = Arena.ofAuto().allocate(4 * n, 4);
            switch (r) {
                case MergeResult.Computed c -> {
                    backend.store(c.tensor(), DType.F32, out);
                    c.tensor().close();
                }
                case MergeResult.Unchanged u -> backend.store(ctx.load(u.input()), DType.F32, out);
            }
            float[] values = new float[(int) n];
            for (int i = 0; i < n; i++) {
                values[i] = out.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            }
            return values;
        }
    }
}
