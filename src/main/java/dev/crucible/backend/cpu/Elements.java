package dev.crucible.backend.cpu;

import dev.crucible.backend.Operand;
import dev.crucible.io.FloatFormats;

import java.lang.foreign.ValueLayout;

/**
 * Scalar element access for the CPU kernels: exact widening on read, one RNE rounding with canonical NaN on write
 * (numerics-and-gpu.md §2). The definitions every vectorised path must match bit for bit.
 */
final class Elements {
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    /** Bits of the canonical binary32 NaN. */
    static final int CANONICAL_NAN_BITS = 0x7FC00000;

    private Elements() {
    }

    static float read(Operand o, long j) {
        return switch (o.dtype()) {
            case BF16 -> FloatFormats.bf16ToFloat(o.bytes().getAtIndex(SHORT, j));
            case F16 -> FloatFormats.f16ToFloat(o.bytes().getAtIndex(SHORT, j));
            case F32 -> o.bytes().getAtIndex(FLOAT, j);
            case F64 -> (float) o.bytes().getAtIndex(DOUBLE, j);
            default -> throw new IllegalArgumentException("cannot read " + o.dtype());
        };
    }

    static void write(Operand o, long j, float v) {
        switch (o.dtype()) {
            case BF16 -> o.bytes().setAtIndex(SHORT, j, FloatFormats.floatToBf16(v));
            case F16 -> o.bytes().setAtIndex(SHORT, j, FloatFormats.floatToF16(v));
            case F32 -> o.bytes().setAtIndex(INT, j, FloatFormats.canonicalF32Bits(v));
            default -> throw new IllegalArgumentException("cannot write " + o.dtype());
        }
    }

    /** {@code fl32(x_j − b_j)}: one element of a task vector. */
    static float delta(Operand x, Operand b, long j) {
        return read(x, j) - read(b, j);
    }

    /**
     * Magnitude key of a binary32 value (numerics-and-gpu.md §5.1): its bits without the sign; every NaN has the
     * key of the canonical NaN. Which payload an arithmetic NaN carries differs between x86, CUDA and OpenCL
     * devices (and between Java's interpreter and JIT), so keys never depend on it; NaNs still rank above +Inf.
     */
    static int magnitudeKey(float v) {
        return Float.isNaN(v) ? CANONICAL_NAN_BITS : Float.floatToRawIntBits(v) & 0x7FFFFFFF;
    }

    /**
     * Signed key: unsigned order of the key is the numeric order of the value; every NaN has the canonical NaN's
     * key, above +Inf (see {@link #magnitudeKey}).
     */
    static int signedKey(float v) {
        int u = Float.isNaN(v) ? CANONICAL_NAN_BITS : Float.floatToRawIntBits(v);
        return u < 0 ? ~u : u ^ 0x80000000;
    }
}
