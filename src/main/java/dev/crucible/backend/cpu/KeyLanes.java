package dev.crucible.backend.cpu;

import dev.crucible.backend.Keys;
import dev.crucible.backend.Operand;
import dev.crucible.io.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static jdk.incubator.vector.VectorOperators.IS_NAN;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.S2I;
import static jdk.incubator.vector.VectorOperators.XOR;

/**
 * {@link SelectionKernels#key} for a tile of elements at a time, lane-wise. Each lane performs the scalar
 * definition's binary32 operations, in the same order, on the same widened values ({@link Tiles#read}), and the key
 * is an integer function of the result's bits, so every key is the same: magnitudes {@code bits(x − b) & 0x7FFFFFFF};
 * variances with both sums from the first term and the same two divisions; signed keys flip all bits of a negative
 * value and only the sign bit of a non-negative one; any NaN has the canonical NaN's key. One instance per thread: it owns the tiles it
 * decodes into.
 */
final class KeyLanes {
    private final Keys keys;
    private final float[] base = new float[Tiles.SIZE];
    private final float[][] values;

    KeyLanes(Keys keys) {
        this.keys = keys;
        int operands = switch (keys) {
            case Keys.DeltaMagnitude k -> 1;
            case Keys.DeltaVariance k -> k.xs().length;
            case Keys.Signed k -> 1;
        };
        this.values = new float[operands][Tiles.SIZE];
    }

    /** {@code out[0, n)} = the keys of elements {@code [from, from + n)}, {@code n ≤ Tiles.SIZE}. */
    void fill(long from, int n, int[] out) {
        switch (keys) {
            case Keys.DeltaMagnitude(Operand x, Operand b) when x.dtype() == DType.BF16 && b.dtype() == DType.BF16 -> {
                int i = bf16Magnitudes(x.bytes(), b.bytes(), from, n, out);
                for (; i < n; i++) {
                    out[i] = Elements.magnitudeKey(Elements.delta(x, b, from + i));
                }
            }
            case Keys.DeltaMagnitude(Operand x, Operand b) -> {
                Tiles.read(x, from, n, values[0]);
                Tiles.read(b, from, n, base);
                magnitudes(values[0], base, n, out);
            }
            case Keys.DeltaVariance(Operand[] xs, Operand b) -> {
                Tiles.read(b, from, n, base);
                for (int m = 0; m < xs.length; m++) {
                    Tiles.read(xs[m], from, n, values[m]);
                }
                variances(values, base, n, out);
            }
            case Keys.Signed(Operand v) -> {
                Tiles.read(v, from, n, values[0]);
                signed(values[0], n, out);
            }
        }
    }

    /**
     * Magnitude keys of BF16 operands straight from their bytes, widened as {@link Tiles#read} widens them, for the
     * whole vectors of the tile; returns how many elements that is.
     */
    private static int bf16Magnitudes(MemorySegment x, MemorySegment b, long from, int n, int[] out) {
        int whole = Tiles.F.loopBound(n);
        for (int i = 0; i < whole; i += Tiles.LANES) {
            long at = (from + i) * Short.BYTES;
            FloatVector xv = ((IntVector) ShortVector.fromMemorySegment(Tiles.S, x, at, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(S2I, Tiles.I, 0)).lanewise(LSHL, 16).reinterpretAsFloats();
            FloatVector bv = ((IntVector) ShortVector.fromMemorySegment(Tiles.S, b, at, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(S2I, Tiles.I, 0)).lanewise(LSHL, 16).reinterpretAsFloats();
            magnitude(xv.sub(bv)).intoArray(out, i);
        }
        return whole;
    }

    private static void magnitudes(float[] x, float[] b, int n, int[] out) {
        for (int i = 0; i < n; i += Tiles.LANES) {
            magnitude(FloatVector.fromArray(Tiles.F, x, i).sub(FloatVector.fromArray(Tiles.F, b, i)))
                    .intoArray(out, i);
        }
    }

    private static void variances(float[][] xs, float[] b, int n, int[] out) {
        float count = xs.length;
        for (int i = 0; i < n; i += Tiles.LANES) {
            FloatVector bv = FloatVector.fromArray(Tiles.F, b, i);
            FloatVector sum = FloatVector.fromArray(Tiles.F, xs[0], i).sub(bv);
            for (int m = 1; m < xs.length; m++) {
                sum = sum.add(FloatVector.fromArray(Tiles.F, xs[m], i).sub(bv));
            }
            FloatVector mean = sum.div(count);
            FloatVector d = FloatVector.fromArray(Tiles.F, xs[0], i).sub(bv).sub(mean);
            FloatVector squares = d.mul(d);
            for (int m = 1; m < xs.length; m++) {
                d = FloatVector.fromArray(Tiles.F, xs[m], i).sub(bv).sub(mean);
                squares = squares.add(d.mul(d));
            }
            magnitude(squares.div(count)).intoArray(out, i);
        }
    }

    private static void signed(float[] v, int n, int[] out) {
        for (int i = 0; i < n; i += Tiles.LANES) {
            FloatVector f = FloatVector.fromArray(Tiles.F, v, i);
            IntVector u = f.reinterpretAsInts().blend(Elements.CANONICAL_NAN_BITS, f.test(IS_NAN).cast(Tiles.I));
            u.lanewise(XOR, 0x8000_0000).blend(u.not(), u.compare(LT, 0)).intoArray(out, i);
        }
    }

    /** {@link Elements#magnitudeKey} lane-wise: the bits without the sign, the canonical NaN's for any NaN. */
    private static IntVector magnitude(FloatVector v) {
        return v.reinterpretAsInts().and(0x7FFF_FFFF).blend(Elements.CANONICAL_NAN_BITS, v.test(IS_NAN).cast(Tiles.I));
    }
}
