package dev.crucible.backend.cpu;

import dev.crucible.backend.Keys;
import dev.crucible.backend.Operand;
import dev.crucible.backend.Selection;
import dev.crucible.backend.Threshold;
import dev.crucible.io.DType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The selection kernels against keys computed here from the raw values (numerics-and-gpu.md §5.1, §5.2). */
class SelectionKernelsTest {

    @Test
    void magnitudeKeyIsTheDeltaWithoutItsSign() {
        Operand x = f32(1.5f, -2f, 0f, -0f, Float.NaN);
        Operand b = bf16(3f, 1f, 0f, 0f, 0f);
        float[] delta = {-1.5f, -3f, 0f, -0f, Float.NaN};
        for (int j = 0; j < delta.length; j++) {
            assertEquals(Float.floatToRawIntBits(delta[j]) & 0x7FFFFFFF,
                    SelectionKernels.key(new Keys.DeltaMagnitude(x, b), j), "element " + j);
        }
    }

    @Test
    void varianceKeyIsThePopulationVarianceInBinary32() {
        Operand b = f32(1f);
        Operand[] xs = {f32(2f), f32(4f), f32(9f)}; // δ = 1, 3, 8: μ = 4, Σ(δ − μ)² = 9 + 1 + 16
        assertEquals(Float.floatToRawIntBits(26f / 3f), SelectionKernels.key(new Keys.DeltaVariance(xs, b), 0));
        assertEquals(0, SelectionKernels.key(new Keys.DeltaVariance(new Operand[] {f32(5f)}, b), 0), "one model");
    }

    @Test
    void varianceKeySumsModelsInOrderFromTheFirst() {
        Random random = new Random(9);
        int numel = 1_000;
        float[] base = gaussian(random, numel);
        float[][] x = new float[4][];
        Operand[] xs = new Operand[x.length];
        for (int m = 0; m < x.length; m++) {
            x[m] = gaussian(random, numel);
            xs[m] = f32(x[m]);
        }
        Keys keys = new Keys.DeltaVariance(xs, f32(base));
        for (int j = 0; j < numel; j++) {
            float[] d = {x[0][j] - base[j], x[1][j] - base[j], x[2][j] - base[j], x[3][j] - base[j]};
            float mean = (d[0] + d[1] + d[2] + d[3]) / 4f;
            float var = ((d[0] - mean) * (d[0] - mean) + (d[1] - mean) * (d[1] - mean)
                    + (d[2] - mean) * (d[2] - mean) + (d[3] - mean) * (d[3] - mean)) / 4f;
            assertEquals(Float.floatToRawIntBits(var), SelectionKernels.key(keys, j), "element " + j);
        }
    }

    @Test
    void signedKeysAscendWithTheValuesAndInvert() {
        float[] ascending = {Float.NEGATIVE_INFINITY, -1f, -Float.MIN_VALUE, -0f, 0f, Float.MIN_VALUE, 1f,
                Float.POSITIVE_INFINITY};
        Keys keys = new Keys.Signed(f32(ascending));
        for (int j = 0; j < ascending.length; j++) {
            int key = SelectionKernels.key(keys, j);
            if (j > 0) {
                assertTrue(Integer.compareUnsigned(SelectionKernels.key(keys, j - 1), key) < 0, "element " + j);
            }
            assertEquals(Float.floatToRawIntBits(ascending[j]),
                    Float.floatToRawIntBits(Selection.signedKeyToFloat(key)), "element " + j);
        }
    }

    @Test
    void everyNaNHasTheCanonicalNaNsKeyAboveInfinity() {
        float[] nans = {Float.intBitsToFloat(0xFFC00000), Float.NaN, Float.intBitsToFloat(0x7FC00001),
                Float.intBitsToFloat(0x7F800001), Float.intBitsToFloat(0xFFFFFFFF)};
        Keys signed = new Keys.Signed(f32(nans));
        Keys magnitudes = new Keys.DeltaMagnitude(f32(nans), f32(new float[nans.length]));
        int infinity = SelectionKernels.key(new Keys.Signed(f32(new float[] {Float.POSITIVE_INFINITY})), 0);
        for (int j = 0; j < nans.length; j++) {
            int key = SelectionKernels.key(signed, j);
            assertTrue(Integer.compareUnsigned(key, infinity) > 0, "element " + j);
            assertEquals(0x7FC00000, Float.floatToRawIntBits(Selection.signedKeyToFloat(key)), "element " + j);
            assertEquals(0x7FC00000, SelectionKernels.key(magnitudes, j), "element " + j);
        }
    }

    @Test
    void histogramCountsTheNextDigitOfKeysUnderThePrefix() {
        Random random = new Random(5);
        float[] v = new float[10_000];
        int[] keys = new int[v.length];
        for (int j = 0; j < v.length; j++) {
            v[j] = (float) (random.nextGaussian() * 1e3);
            int u = Float.floatToRawIntBits(v[j]);
            keys[j] = u < 0 ? ~u : u ^ 0x80000000;
        }
        Keys signed = new Keys.Signed(f32(v));
        int some = keys[42];
        // the three passes of Selection, each under the digits of one key chosen so far; the first sees every key
        int[][] passes = {{21, 11, 0}, {10, 11, some >>> 21}, {0, 10, some >>> 10}};
        for (int[] pass : passes) {
            int shift = pass[0];
            int bits = pass[1];
            int prefix = pass[2];
            long[] expected = new long[1 << bits];
            for (int key : keys) {
                if (shift + bits == 32 || key >>> (shift + bits) == prefix) {
                    expected[(key >>> shift) & ((1 << bits) - 1)]++;
                }
            }
            long[] whole = new long[1 << bits];
            SelectionKernels.histogram(signed, shift, bits, prefix, 0, v.length, whole);
            assertArrayEquals(expected, whole, "shift " + shift);

            long[] split = new long[1 << bits];
            SelectionKernels.histogram(signed, shift, bits, prefix, 3_333, v.length, split);
            SelectionKernels.histogram(signed, shift, bits, prefix, 0, 3_333, split);
            assertArrayEquals(expected, split, "ranges add up, shift " + shift);
        }
    }

    @Test
    void tieCountCoversOneChunkAndTheShortLastOne() {
        float[] v = new float[Threshold.CHUNK + 100];
        v[0] = 7f;
        v[Threshold.CHUNK - 1] = -7f;
        v[Threshold.CHUNK] = 7f;
        v[v.length - 1] = 7f;
        Keys keys = new Keys.DeltaMagnitude(f32(v), f32(new float[v.length]));
        int seven = Float.floatToRawIntBits(7f);
        assertEquals(2, SelectionKernels.tieCount(keys, seven, 0));
        assertEquals(2, SelectionKernels.tieCount(keys, seven, 1));
        assertEquals(Threshold.CHUNK - 2, SelectionKernels.tieCount(keys, 0, 0));
        assertEquals(98, SelectionKernels.tieCount(keys, 0, 1));
    }

    private static float[] gaussian(Random random, int numel) {
        float[] v = new float[numel];
        for (int j = 0; j < numel; j++) {
            v[j] = (float) random.nextGaussian();
        }
        return v;
    }

    private static Operand f32(float... values) {
        MemorySegment bytes = MemorySegment.ofArray(new int[values.length]);
        for (int j = 0; j < values.length; j++) {
            bytes.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, j, Float.floatToRawIntBits(values[j]));
        }
        return new Operand(DType.F32, bytes, values.length);
    }

    /** BF16 operand of values exact in BF16 (their low 16 bits are zero). */
    private static Operand bf16(float... values) {
        MemorySegment bytes = Arena.ofAuto().allocate(2L * values.length);
        for (int j = 0; j < values.length; j++) {
            bytes.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, j, (short) (Float.floatToRawIntBits(values[j]) >>> 16));
        }
        return new Operand(DType.BF16, bytes, values.length);
    }
}
