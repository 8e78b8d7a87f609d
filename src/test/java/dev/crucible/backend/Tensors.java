package dev.crucible.backend;

import dev.crucible.io.DType;
import dev.crucible.io.FloatFormats;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Test tensors for the engine tests: random bit patterns salted with the awkward values of each format, stored at
 * odd addresses so that no access, scalar or vector, is aligned; and byte-for-byte comparison of outputs that names
 * the first differing element.
 */
public final class Tensors {
    public static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    public static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    public static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    /** Signed zeros, infinities, quiet and signalling NaNs of both signs, subnormals, extremes, one and its ulp. */
    private static final long[] BF16_EDGES = {
        0x0000, 0x8000, 0x7F80, 0xFF80, 0x7FC0, 0xFFC0, 0x7F81, 0xFF81, 0x7FFF, 0x0001, 0x807F, 0x0080, 0x7F7F,
        0xFF7F, 0x3F80, 0x3F81};
    private static final long[] F16_EDGES = {
        0x0000, 0x8000, 0x7C00, 0xFC00, 0x7E00, 0xFE00, 0x7C01, 0xFD00, 0x7FFF, 0x0001, 0x83FF, 0x0400, 0x7BFF,
        0xFBFF, 0x3C00, 0x3C01};
    /**
     * binary32 specials, and values whose narrowing to BF16 or F16 is a tie or sits next to a threshold of
     * numerics-and-gpu.md §2.2/§2.3: 1 + 2^-8 and 1 + 3·2^-8 (BF16 ties to even, down and up), the BF16 overflow tie,
     * F16's overflow boundary 65520 and just below it, F16 ties at one, the smallest F16 normal and just below it,
     * and F16 subnormal ties (2^-25, 3·2^-25) and near-ties.
     */
    private static final long[] F32_EDGES = {
        0x0000_0000L, 0x8000_0000L, 0x7F80_0000L, 0xFF80_0000L, 0x7FC0_0000L, 0xFFC0_0000L, 0x7F80_0001L,
        0xFF80_0001L, 0x7FFF_FFFFL, 0x0000_0001L, 0x807F_FFFFL, 0x0080_0000L, 0x7F7F_FFFFL, 0xFF7F_FFFFL,
        0x3F80_8000L, 0x3F81_8000L, 0x7F7F_8000L, 0x477F_F000L, 0x477F_EFFFL, 0x3F80_1000L, 0x3F80_3000L,
        0x3880_0000L, 0x387F_FFFFL, 0x3300_0000L, 0x3300_0001L, 0x33C0_0000L, 0xB3C0_0000L, 0x387F_F000L};
    /**
     * binary64 specials; signalling NaNs whose payload does and does not reach binary32; values that overflow or
     * underflow binary32; and binary32 rounding ties (half an ulp above 1, 1.5 ulps, half the smallest subnormal).
     */
    private static final long[] F64_EDGES = {
        bits(0.0), bits(-0.0), bits(Double.POSITIVE_INFINITY), bits(Double.NEGATIVE_INFINITY), 0x7FF8_0000_0000_0000L,
        0xFFF8_0000_0000_0000L, 0x7FF0_0000_0000_0001L, 0xFFF0_0000_2000_0000L, bits(Double.MIN_VALUE),
        bits(-Double.MAX_VALUE), bits(Float.MIN_VALUE), bits(Float.MIN_VALUE / 2.0), bits(3.0 * Float.MIN_VALUE / 2.0),
        bits(Float.MAX_VALUE), bits(0x1.ffffffp127), bits(-0x1.fffffefffffffp127), bits(1.0 + 0x1p-24),
        bits(1.0 + 0x3p-24), bits(-(1.0 + 0x1p-24))};

    private Tensors() {
    }

    private static long bits(double v) {
        return Double.doubleToRawLongBits(v);
    }

    /** A segment of {@code size} bytes starting one byte past an allocation, so no element is aligned. */
    public static MemorySegment unaligned(Arena arena, long size) {
        return arena.allocate(size + 1, 8).asSlice(1, size);
    }

    /** An output operand at an odd address, every byte set to {@code fill} so elements never written show. */
    public static Operand output(Arena arena, DType dtype, long n, byte fill) {
        MemorySegment bytes = unaligned(arena, dtype.byteSize(n));
        bytes.fill(fill);
        return new Operand(dtype, bytes, n);
    }

    /** The raw bits of element {@code j}. */
    public static long get(Operand o, long j) {
        MemorySegment s = o.bytes();
        return switch (o.dtype()) {
            case BF16, F16 -> s.getAtIndex(SHORT, j) & 0xFFFFL;
            case F32 -> s.getAtIndex(INT, j) & 0xFFFF_FFFFL;
            case F64 -> s.getAtIndex(LONG, j);
            default -> throw new IllegalArgumentException(o.dtype().toString());
        };
    }

    public static void set(Operand o, long j, long bits) {
        MemorySegment s = o.bytes();
        switch (o.dtype()) {
            case BF16, F16 -> s.setAtIndex(SHORT, j, (short) bits);
            case F32 -> s.setAtIndex(INT, j, (int) bits);
            case F64 -> s.setAtIndex(LONG, j, bits);
            default -> throw new IllegalArgumentException(o.dtype().toString());
        }
    }

    /** Element {@code j} widened to binary32 as numerics-and-gpu.md §2.1 says, independently of the kernels. */
    public static float value(Operand o, long j) {
        long bits = get(o, j);
        return switch (o.dtype()) {
            case BF16 -> FloatFormats.bf16ToFloat((short) bits);
            case F16 -> FloatFormats.f16ToFloat((short) bits);
            case F32 -> Float.intBitsToFloat((int) bits);
            case F64 -> (float) Double.longBitsToDouble(bits);
            default -> throw new IllegalArgumentException(o.dtype().toString());
        };
    }

    /** An operand holding {@code values} rounded to {@code dtype} (F64: widened exactly), at an odd address. */
    public static Operand of(Arena arena, DType dtype, float... values) {
        Operand o = new Operand(dtype, unaligned(arena, dtype.byteSize(values.length)), values.length);
        for (int j = 0; j < values.length; j++) {
            set(o, j, switch (dtype) {
                case BF16 -> FloatFormats.floatToBf16(values[j]);
                case F16 -> FloatFormats.floatToF16(values[j]);
                case F32 -> Float.floatToRawIntBits(values[j]);
                default -> Double.doubleToRawLongBits(values[j]);
            });
        }
        return o;
    }

    /**
     * {@code n} random elements: one in eight an edge value of the format, the rest random bit patterns (for F64
     * mostly binary32 values with random or exactly-half-an-ulp bits below binary32 precision, since random binary64
     * patterns nearly all overflow or underflow binary32).
     */
    public static Operand random(Arena arena, DType dtype, long n, SplittableRandom random) {
        Operand o = new Operand(dtype, unaligned(arena, dtype.byteSize(n)), n);
        for (long j = 0; j < n; j++) {
            set(o, j, randomBits(dtype, random));
        }
        return o;
    }

    /**
     * A second tensor related to {@code base} the way fine-tuned weights are to their base: one in sixteen elements
     * equal to it (a zero task-vector element), one in sixteen a few ulps away (tiny deltas, ties of magnitudes),
     * the rest drawn as {@link #random}.
     */
    public static Operand near(Arena arena, Operand base, SplittableRandom random) {
        DType dtype = base.dtype();
        long n = base.numel();
        Operand o = new Operand(dtype, unaligned(arena, dtype.byteSize(n)), n);
        for (long j = 0; j < n; j++) {
            int pick = random.nextInt(16);
            long bits = switch (pick) {
                case 0 -> get(base, j);
                case 1 -> get(base, j) + random.nextInt(-3, 4);
                default -> randomBits(dtype, random);
            };
            set(o, j, bits);
        }
        return o;
    }

    public static long randomBits(DType dtype, SplittableRandom random) {
        long[] edges = switch (dtype) {
            case BF16 -> BF16_EDGES;
            case F16 -> F16_EDGES;
            case F32 -> F32_EDGES;
            case F64 -> F64_EDGES;
            default -> throw new IllegalArgumentException(dtype.toString());
        };
        if (random.nextInt(8) == 0) {
            return edges[random.nextInt(edges.length)];
        }
        if (dtype == DType.F64) {
            return switch (random.nextInt(4)) {
                case 0 -> random.nextLong();
                case 1 -> bits(Float.intBitsToFloat(random.nextInt())) ^ 0x1000_0000L; // half an ulp of binary32
                default -> bits(Float.intBitsToFloat(random.nextInt())) ^ (random.nextLong() & 0x1FFF_FFFFL);
            };
        }
        return random.nextLong();
    }

    /**
     * Fails unless the two operands hold the same bytes, naming the first differing element and its bits.
     */
    public static void assertSameBytes(Operand expected, Operand actual, String what) {
        long mismatch = expected.bytes().mismatch(actual.bytes());
        if (mismatch >= 0) {
            long j = mismatch / expected.dtype().byteSize(1);
            fail(what + ": element " + j + " of " + expected.numel() + " is " + hex(actual, j) + ", the reference "
                    + "wrote " + hex(expected, j));
        }
    }

    public static String hex(Operand o, long j) {
        int digits = (int) (2 * o.dtype().byteSize(1));
        String h = Long.toHexString(get(o, j));
        return "0x" + "0".repeat(Math.max(0, digits - h.length())) + h.toUpperCase();
    }

    /** The bit patterns of a binary64 vector, so that equality means bit equality (−0.0, NaN payloads). */
    public static long[] rawBits(double[] values) {
        long[] bits = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Double.doubleToRawLongBits(values[i]);
        }
        return bits;
    }
}
