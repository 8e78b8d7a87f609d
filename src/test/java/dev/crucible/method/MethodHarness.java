package dev.crucible.method;

import dev.crucible.Warnings;
import dev.crucible.backend.Backend;
import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.Operand;
import dev.crucible.backend.cpu.CpuBackend;
import dev.crucible.io.DType;
import dev.crucible.io.FloatFormats;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a method on hand-written vectors through the CPU reference and returns the result as binary32 (an F32
 * output, so no output rounding hides anything).
 */
final class MethodHarness {
    final Warnings warnings = new Warnings();
    private final List<MergeContext.Input> inputs = new ArrayList<>();
    private MergeContext.Input base;
    private long[] shape;
    private long seed;
    private DType outDtype = DType.F32;

    MethodHarness input(String model, DType dtype, float[] values, Map<String, Double> params) {
        inputs.add(input(model, inputs.size(), false, dtype, values, params));
        return this;
    }

    /** Adds the base; {@code separate} for methods that take it apart from the other inputs. */
    MethodHarness baseInput(String model, DType dtype, float[] values, Map<String, Double> params,
                            boolean separate) {
        MergeContext.Input in = input(model, inputs.size(), true, dtype, values, params);
        if (separate) {
            base = in;
        } else {
            inputs.add(in);
        }
        return this;
    }

    /** The tensor's shape (default: one dimension). */
    MethodHarness shape(long... shape) {
        this.shape = shape;
        return this;
    }

    MethodHarness seed(long seed) {
        this.seed = seed;
        return this;
    }

    MethodHarness outDtype(DType dtype) {
        this.outDtype = dtype;
        return this;
    }

    static MergeContext.Input input(String model, int source, boolean isBase, DType dtype, float[] values,
                                    Map<String, Double> params) {
        MemorySegment bytes = Arena.ofAuto().allocate(Math.max(1, dtype.byteSize(values.length)), 8);
        for (int i = 0; i < values.length; i++) {
            switch (dtype) {
                case BF16 -> bytes.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, FloatFormats.floatToBf16(values[i]));
                case F16 -> bytes.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, FloatFormats.floatToF16(values[i]));
                case F32 -> bytes.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, values[i]);
                default -> throw new IllegalArgumentException(dtype.toString());
            }
        }
        return new MergeContext.Input(model, source, "t", isBase, new Operand(dtype, bytes, values.length), params);
    }

    /** Merges with the method's defaults overridden by {@code global}. */
    float[] merge(MergeMethod method, Map<String, Double> global) {
        Map<String, Double> resolved = new HashMap<>();
        for (ParamSpec p : method.info().parameters()) {
            if (!p.perModel() && p.defaultValue() != null) {
                resolved.put(p.name(), p.defaultValue());
            }
        }
        resolved.putAll(global);
        long n = (base != null ? base : inputs.getFirst()).data().numel();
        long[] dims = shape != null ? shape : new long[] {n};
        Operand out = new Operand(outDtype, Arena.ofAuto().allocate(Math.max(1, outDtype.byteSize(n)), 8), n);
        try (Backend backend = CpuBackend.reference()) {
            MergeContext ctx = new MergeContext("t", dims, backend, inputs, base, resolved, out, seed, warnings);
            switch (method.merge(ctx)) {
                case MergeResult.Written w -> { }
                case MergeResult.Unchanged u -> backend.blend(null, new Operand[] {u.input().data()},
                        new float[] {1f}, FibreLayout.whole(n), out);
            }
        }
        float[] values = new float[(int) n];
        for (int i = 0; i < n; i++) {
            values[i] = switch (outDtype) {
                case F32 -> out.bytes().getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
                case BF16 -> FloatFormats.bf16ToFloat(out.bytes().getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i));
                case F16 -> FloatFormats.f16ToFloat(out.bytes().getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i));
                default -> throw new IllegalArgumentException(outDtype.toString());
            };
        }
        return values;
    }
}
