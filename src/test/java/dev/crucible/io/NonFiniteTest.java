package dev.crucible.io;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The vectorized NaN/Inf count against a scalar count by decoding, at awkward lengths and unaligned offsets. */
class NonFiniteTest {
    private static final int[] LENGTHS = {0, 1, 31, 4097, 100_003};

    @Test
    void countsNanAndBothInfinitiesInEveryFloatDtypeAndNothingElse() {
        SplittableRandom random = new SplittableRandom(6);
        for (DType dtype : new DType[] {DType.BF16, DType.F16, DType.F32, DType.F64}) {
            for (int n : LENGTHS) {
                for (int misalign : new int[] {0, 1}) {
                    MemorySegment data = Arena.ofAuto().allocate(n * (long) dtype.bits() / 8 + misalign + 8, 8)
                            .asSlice(misalign, n * (long) dtype.bits() / 8);
                    long expected = 0;
                    for (int i = 0; i < n; i++) {
                        double v = switch (random.nextInt(8)) {
                            case 0 -> Double.NaN;
                            case 1 -> Double.POSITIVE_INFINITY;
                            case 2 -> Double.NEGATIVE_INFINITY;
                            case 3 -> largestFinite(dtype) * (random.nextBoolean() ? 1 : -1);
                            case 4 -> Double.MIN_VALUE; // a subnormal or zero
                            default -> random.nextGaussian();
                        };
                        if (!Double.isFinite(v)) {
                            expected++;
                        }
                        put(data, dtype, i, v);
                    }
                    assertEquals(expected, NonFinite.count(dtype, data), dtype + " n=" + n + " misalign=" + misalign);
                }
            }
        }
    }

    @Test
    void integerDtypesHoldNone() {
        MemorySegment ones = MemorySegment.ofArray(new byte[64]).fill((byte) 0xFF);
        for (DType d : new DType[] {DType.I32, DType.I64, DType.U8, DType.BOOL, DType.I16}) {
            assertEquals(0, NonFinite.count(d, ones));
            assertFalse(NonFinite.applies(d));
        }
        assertTrue(NonFinite.applies(DType.BF16));
    }

    private static double largestFinite(DType dtype) {
        return switch (dtype) {
            case BF16 -> 3.3895313892515355e38;
            case F16 -> 65504;
            case F32 -> Float.MAX_VALUE;
            default -> Double.MAX_VALUE;
        };
    }

    private static void put(MemorySegment s, DType dtype, long i, double v) {
        switch (dtype) {
            case BF16 -> s.set(ValueLayout.JAVA_SHORT_UNALIGNED, i * 2, FloatFormats.floatToBf16((float) v));
            case F16 -> s.set(ValueLayout.JAVA_SHORT_UNALIGNED, i * 2, FloatFormats.floatToF16((float) v));
            case F32 -> s.set(ValueLayout.JAVA_FLOAT_UNALIGNED, i * 4, (float) v);
            default -> s.set(ValueLayout.JAVA_DOUBLE_UNALIGNED, i * 8, v);
        }
    }
}
