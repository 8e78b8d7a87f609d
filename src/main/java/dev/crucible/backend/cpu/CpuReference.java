package dev.crucible.backend.cpu;

import dev.crucible.backend.Backend;
import dev.crucible.backend.DeviceTensor;
import dev.crucible.io.DType;
import dev.crucible.io.FloatFormats;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The oracle: plain scalar Java, one element at a time, written to be obviously correct.
 * Every other engine is tested for bit equality against it (DESIGN.md "One truth, three engines").
 * Java never contracts a*b+c into an FMA, so each operation rounds once, as the contract requires.
 */
public final class CpuReference implements Backend {
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

    @Override
    public String name() {
        return "cpu-reference";
    }

    @Override
    public DeviceTensor load(DType dtype, MemorySegment bytes, long numel) {
        CpuTensor t = new CpuTensor(numel);
        for (long i = 0; i < numel; i++) {
            t.set(i, switch (dtype) {
                case BF16 -> FloatFormats.bf16ToFloat(bytes.getAtIndex(SHORT, i));
                case F16 -> FloatFormats.f16ToFloat(bytes.getAtIndex(SHORT, i));
                case F32 -> bytes.getAtIndex(FLOAT, i);
                case F64 -> (float) bytes.getAtIndex(DOUBLE, i);
                default -> throw new IllegalArgumentException("cannot widen " + dtype);
            });
        }
        return t;
    }

    @Override
    public void store(DeviceTensor tensor, DType dtype, MemorySegment dst) {
        CpuTensor t = CpuTensor.of(tensor);
        long n = t.numel();
        for (long i = 0; i < n; i++) {
            float v = t.get(i);
            switch (dtype) {
                case BF16 -> dst.setAtIndex(SHORT, i, FloatFormats.floatToBf16(v));
                case F16 -> dst.setAtIndex(SHORT, i, FloatFormats.floatToF16(v));
                case F32 -> dst.setAtIndex(INT, i, FloatFormats.canonicalF32Bits(v));
                default -> throw new IllegalArgumentException("cannot store " + dtype);
            }
        }
    }

    @Override
    public DeviceTensor weightedSum(DeviceTensor[] xs, float[] c) {
        long n = xs[0].numel();
        CpuTensor[] in = new CpuTensor[xs.length];
        for (int m = 0; m < xs.length; m++) {
            in[m] = CpuTensor.of(xs[m]);
        }
        CpuTensor r = new CpuTensor(n);
        for (long i = 0; i < n; i++) {
            float acc = c[0] * in[0].get(i);
            for (int m = 1; m < in.length; m++) {
                acc = acc + c[m] * in[m].get(i);
            }
            r.set(i, acc);
        }
        return r;
    }

    @Override
    public void close() {
        // nothing held between calls
    }
}
