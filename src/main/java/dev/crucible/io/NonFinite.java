package dev.crucible.io;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Counts NaN and ±Inf elements of a floating-point tensor in its stored bytes: an element is non-finite exactly when
 * all its exponent bits are set. Vectorized, so scanning a tensor costs about as much as reading it once; integer and
 * boolean dtypes hold no such values and count zero.
 */
public final class NonFinite {
    private static final VectorSpecies<Short> S16 = ShortVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> S32 = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> S64 = LongVector.SPECIES_PREFERRED;
    private static final short BF16_EXPONENT = 0x7F80;
    private static final short F16_EXPONENT = 0x7C00;
    private static final int F32_EXPONENT = 0x7F80_0000;
    private static final long F64_EXPONENT = 0x7FF0_0000_0000_0000L;

    private NonFinite() {
    }

    /** Whether the scan can find anything in tensors of {@code dtype}. */
    public static boolean applies(DType dtype) {
        return dtype == DType.BF16 || dtype == DType.F16 || dtype == DType.F32 || dtype == DType.F64;
    }

    /** NaN and ±Inf elements among the whole elements of {@code bytes}, read as {@code dtype} (little-endian). */
    public static long count(DType dtype, MemorySegment bytes) {
        return switch (dtype) {
            case BF16 -> count16(bytes, BF16_EXPONENT);
            case F16 -> count16(bytes, F16_EXPONENT);
            case F32 -> count32(bytes);
            case F64 -> count64(bytes);
            default -> 0;
        };
    }

    private static long count16(MemorySegment s, short exponent) {
        long n = s.byteSize() / 2;
        long whole = n - n % S16.length();
        ShortVector e = ShortVector.broadcast(S16, exponent);
        long count = 0;
        long i = 0;
        for (; i < whole; i += S16.length()) {
            VectorMask<Short> m = ShortVector.fromMemorySegment(S16, s, i * 2, ByteOrder.LITTLE_ENDIAN).and(e).eq(e);
            if (m.anyTrue()) {
                count += m.trueCount();
            }
        }
        for (; i < n; i++) {
            if ((s.get(ValueLayout.JAVA_SHORT_UNALIGNED, i * 2) & exponent) == exponent) {
                count++;
            }
        }
        return count;
    }

    private static long count32(MemorySegment s) {
        long n = s.byteSize() / 4;
        long whole = n - n % S32.length();
        IntVector e = IntVector.broadcast(S32, F32_EXPONENT);
        long count = 0;
        long i = 0;
        for (; i < whole; i += S32.length()) {
            VectorMask<Integer> m = IntVector.fromMemorySegment(S32, s, i * 4, ByteOrder.LITTLE_ENDIAN).and(e).eq(e);
            if (m.anyTrue()) {
                count += m.trueCount();
            }
        }
        for (; i < n; i++) {
            if ((s.get(ValueLayout.JAVA_INT_UNALIGNED, i * 4) & F32_EXPONENT) == F32_EXPONENT) {
                count++;
            }
        }
        return count;
    }

    private static long count64(MemorySegment s) {
        long n = s.byteSize() / 8;
        long whole = n - n % S64.length();
        LongVector e = LongVector.broadcast(S64, F64_EXPONENT);
        long count = 0;
        long i = 0;
        for (; i < whole; i += S64.length()) {
            VectorMask<Long> m = LongVector.fromMemorySegment(S64, s, i * 8, ByteOrder.LITTLE_ENDIAN).and(e).eq(e);
            if (m.anyTrue()) {
                count += m.trueCount();
            }
        }
        for (; i < n; i++) {
            if ((s.get(ValueLayout.JAVA_LONG_UNALIGNED, i * 8) & F64_EXPONENT) == F64_EXPONENT) {
                count++;
            }
        }
        return count;
    }
}
