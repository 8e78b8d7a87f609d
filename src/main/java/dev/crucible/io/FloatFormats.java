package dev.crucible.io;

/**
 * Conversions between binary32 and the two 16-bit float formats, exactly as numerics-and-gpu.md §2
 * specifies them, so the CPU reference and the GPU kernels round identically. NaNs become Crucible's
 * canonical NaNs; no other implementation agrees on NaN bits (§2.5).
 */
public final class FloatFormats {
    private static final short BF16_NAN = 0x7FC0;
    private static final short F16_NAN = 0x7E00;
    private static final int F32_NAN = 0x7FC00000;

    private FloatFormats() {
    }

    /** Exact: bfloat16 is the top half of a binary32. */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Round to nearest even; overflow rounds to infinity, subnormals are kept; any NaN gives 0x7FC0. */
    public static short floatToBf16(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7FFFFFFF) > 0x7F800000) {
            return BF16_NAN;
        }
        // Adding 0x7FFF plus the lowest kept bit rounds half to even; 32-bit wrap-around cannot occur
        // because the largest non-NaN pattern (-Inf, 0xFF800000) stays below 2^32 after the addition.
        return (short) ((u + 0x7FFF + ((u >>> 16) & 1)) >>> 16);
    }

    /** Exact widening (NaN payloads kept, as the JDK and CUDA do). */
    public static float f16ToFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    /** Round to nearest even with subnormals, the algorithm of §2.3 step by step; any NaN gives 0x7E00. */
    public static short floatToF16(float f) {
        int u = Float.floatToRawIntBits(f);
        int sign = (u >>> 16) & 0x8000;
        int a = u & 0x7FFFFFFF;
        if (a > 0x7F800000) {
            return F16_NAN;
        }
        if (a >= 0x477FF000) { // |f| >= 65520 rounds to infinity
            return (short) (sign | 0x7C00);
        }
        if (a >= 0x38800000) { // normal half: rebias the exponent, round the 13 dropped bits
            int m = a - 0x38000000;
            m = m + 0x0FFF + ((m >>> 13) & 1);
            return (short) (sign | (m >>> 13));
        }
        int exponent = a >>> 23;
        if (exponent == 0) { // binary32 subnormals are far below half precision
            return (short) sign;
        }
        int shift = 126 - exponent; // right shift that leaves units of 2^-24
        if (shift > 24) {
            return (short) sign;
        }
        int significand = (a & 0x7FFFFF) | 0x800000;
        int q = significand >>> shift;
        int rem = significand & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (rem > half || (rem == half && (q & 1) == 1)) {
            q++; // may carry into 0x0400, the smallest normal, which is the correct result
        }
        return (short) (sign | q);
    }

    /** The value, or the canonical NaN 0x7FC00000 for any NaN. */
    public static float canonicalF32(float f) {
        return Float.intBitsToFloat(canonicalF32Bits(f));
    }

    public static int canonicalF32Bits(float f) {
        return Float.isNaN(f) ? F32_NAN : Float.floatToRawIntBits(f);
    }
}
