package dev.crucible.backend.cpu;

import dev.crucible.backend.Operand;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.I2S;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.S2I;

/**
 * Tiles: runs of at most {@link #SIZE} consecutive elements of an operand, widened into a {@code float[]}. The
 * vector engine decodes each input once per tile, computes on plain arrays with no dtype dispatch in any lane loop,
 * and rounds result tiles back into the output.
 *
 * <p>How the vector code is written, for HotSpot to compile every Vector API call to vector instructions (where one
 * fails, vectors are boxed and the loop runs about a hundred times slower):
 * <ul>
 *   <li>Lane loops call only the Vector API, whose methods HotSpot always inlines; a method of ours taking or
 *       returning a vector could stay out of line in a large compilation, which inlines ordinary methods only up to
 *       a node budget. Vectors never cross our method boundaries; tiles do.</li>
 *   <li>All vectors have the shape of {@link #F} (shorts half of it), so the type profiles of the API's shared code
 *       see one class per element type and its intrinsics get constant classes.</li>
 *   <li>Masks come from comparisons, whose result class HotSpot knows, not from {@code VectorMask.fromLong}
 *       ({@link #LANE_BITS}).</li>
 * </ul>
 *
 * <p>{@link #read} and {@link #write} are {@link Elements#read} and {@link Elements#write} for every element
 * (numerics-and-gpu.md §2): whole vectors go through the lane conversions below, the rest of a tile and every F64
 * element through {@link Elements} itself. The lane conversions are bit-identical to the scalar ones:
 * <ul>
 *   <li>BF16 widen: S2I then {@code << 16} is {@code bits = h << 16}; the sign extension is shifted out.</li>
 *   <li>BF16 narrow: the RNE formula is 32-bit integer arithmetic, lane-wise; Java's wrapping {@code int}
 *       addition and {@code >>>} are exactly its unsigned arithmetic. NaN lanes become 0x7FC0.</li>
 *   <li>F16 widen: normals and infinities rebias the exponent and shift the mantissa by 13; a NaN keeps its payload
 *       and comes back quiet, as {@code Float.float16ToFloat} returns it on x86-64 and AArch64, where it is the
 *       hardware conversion; a subnormal {@code m·2^-24} is {@code (float) m * 0x1p-24f}, both steps exact.</li>
 *   <li>F16 narrow: NaN, overflow and normal results follow §2.3 with integer operations. Below 2^-14 the result is
 *       a multiple of 2^-24: {@code |f| + 0.5f} lies in [0.5, 1), where floats are 2^-24 apart, so the addition's own
 *       RNE rounds {@code |f|} to that grid, and the sum's bits minus those of 0.5f are §2.3's {@code q}, ties,
 *       flushes to zero and the carry into 0x0400 included.</li>
 *   <li>F32: a read copies the bits; a write turns NaN lanes into 0x7FC00000.</li>
 * </ul>
 *
 * <p>Tile arrays hold {@code SIZE} elements, a whole number of vectors, so a lane loop over a tile of {@code n}
 * elements may run over every vector that holds one of them ({@code i < n} in steps of {@link #LANES}) with no
 * scalar tail: lanes past {@code n} hold stale values and every kernel ignores their results.
 */
final class Tiles {
    /**
     * Float lanes: the preferred shape, at most 512 bits, so that a vector's lanes fit the bits of an {@code int}
     * (see {@link #LANE_BITS}).
     */
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED.vectorBitSize() > 512
            ? FloatVector.SPECIES_512 : FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> I = F.withLanes(int.class);
    static final int LANES = F.length();
    /**
     * Lane {@code l} holds {@code 1 << l}: {@code broadcast(bits).and(LANE_BITS) != 0} is the mask of the set bits of
     * {@code bits}. (A mask made by {@code VectorMask.fromLong} reaches HotSpot with no exact type, and storing it
     * then boxes it; a comparison's mask has its exact type.)
     */
    static final int[] LANE_BITS = new int[LANES];

    static {
        for (int l = 0; l < LANES; l++) {
            LANE_BITS[l] = 1 << l;
        }
    }

    /** Elements per tile: a multiple of the vector length and of the reduction lanes, and a divisor of a chunk. */
    static final int SIZE = 1_024;
    /** Half the width of {@link #F}, so one short vector widens to one float vector. */
    static final VectorSpecies<Short> S =
            VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private Tiles() {
    }

    /** {@code dst[0, n) = } elements {@code [from, from + n)} of {@code o}, widened; {@code n ≤ SIZE}. */
    static void read(Operand o, long from, int n, float[] dst) {
        int i = switch (o.dtype()) {
            case BF16 -> readBf16(o.bytes(), from, n, dst);
            case F16 -> readF16(o.bytes(), from, n, dst);
            case F32 -> readF32(o.bytes(), from, n, dst);
            default -> 0;
        };
        for (; i < n; i++) {
            dst[i] = Elements.read(o, from + i);
        }
    }

    /** Elements {@code [from, from + n)} of {@code o} = {@code src[0, n)}, each rounded once. */
    static void write(float[] src, int n, Operand o, long from) {
        int i = switch (o.dtype()) {
            case BF16 -> writeBf16(src, n, o.bytes(), from);
            case F16 -> writeF16(src, n, o.bytes(), from);
            case F32 -> writeF32(src, n, o.bytes(), from);
            default -> 0;
        };
        for (; i < n; i++) {
            Elements.write(o, from + i, src[i]);
        }
    }

    // One method per dtype and direction, each returning how many elements it converted (the whole vectors).

    private static int readBf16(MemorySegment s, long from, int n, float[] dst) {
        int whole = F.loopBound(n);
        for (int i = 0; i < whole; i += LANES) {
            ((IntVector) ShortVector.fromMemorySegment(S, s, (from + i) * Short.BYTES, LE).convertShape(S2I, I, 0))
                    .lanewise(LSHL, 16).reinterpretAsFloats().intoArray(dst, i);
        }
        return whole;
    }

    private static int readF16(MemorySegment s, long from, int n, float[] dst) {
        int whole = F.loopBound(n);
        for (int i = 0; i < whole; i += LANES) {
            // S2I sign-extends, so bit 31 already holds the half's sign
            IntVector h = (IntVector) ShortVector.fromMemorySegment(S, s, (from + i) * Short.BYTES, LE)
                    .convertShape(S2I, I, 0);
            IntVector a = h.and(0x7FFF);
            IntVector shifted = a.lanewise(LSHL, 13);
            IntVector subnormal = ((FloatVector) a.convert(I2F, 0)).mul(0x1p-24f).reinterpretAsInts();
            subnormal.blend(shifted.add(112 << 23), a.compare(GE, 0x0400)) // normal: bias 15 → 127
                    .blend(shifted.or(0x7F80_0000), a.compare(GE, 0x7C00)) // infinity
                    .blend(shifted.or(0x7FC0_0000), a.compare(GT, 0x7C00)) // NaN, made quiet
                    .or(h.and(0x8000_0000))
                    .reinterpretAsFloats().intoArray(dst, i);
        }
        return whole;
    }

    private static int readF32(MemorySegment s, long from, int n, float[] dst) {
        int whole = F.loopBound(n);
        for (int i = 0; i < whole; i += LANES) {
            FloatVector.fromMemorySegment(F, s, (from + i) * Float.BYTES, LE).intoArray(dst, i);
        }
        return whole;
    }

    private static int writeBf16(float[] src, int n, MemorySegment s, long from) {
        int whole = F.loopBound(n);
        for (int i = 0; i < whole; i += LANES) {
            IntVector u = FloatVector.fromArray(F, src, i).reinterpretAsInts();
            u.add(0x7FFF).add(u.lanewise(LSHR, 16).and(1)).lanewise(LSHR, 16)
                    .blend(0x7FC0, u.and(0x7FFF_FFFF).compare(GT, 0x7F80_0000))
                    .convertShape(I2S, S, 0).intoMemorySegment(s, (from + i) * Short.BYTES, LE);
        }
        return whole;
    }

    private static int writeF16(float[] src, int n, MemorySegment s, long from) {
        int whole = F.loopBound(n);
        for (int i = 0; i < whole; i += LANES) {
            // every lane computes every case of §2.3; the blends keep the one its thresholds select
            IntVector u = FloatVector.fromArray(F, src, i).reinterpretAsInts();
            IntVector a = u.and(0x7FFF_FFFF);
            IntVector m = a.sub(0x3800_0000);
            IntVector normal = m.add(0x0FFF).add(m.lanewise(LSHR, 13).and(1)).lanewise(LSHR, 13);
            IntVector subnormal = a.reinterpretAsFloats().add(0.5f).reinterpretAsInts().sub(0x3F00_0000);
            subnormal.blend(normal, a.compare(GE, 0x3880_0000))
                    .blend(0x7C00, a.compare(GE, 0x477F_F000))
                    .or(u.lanewise(LSHR, 16).and(0x8000))
                    .blend(0x7E00, a.compare(GT, 0x7F80_0000))
                    .convertShape(I2S, S, 0).intoMemorySegment(s, (from + i) * Short.BYTES, LE);
        }
        return whole;
    }

    private static int writeF32(float[] src, int n, MemorySegment s, long from) {
        int whole = F.loopBound(n);
        for (int i = 0; i < whole; i += LANES) {
            IntVector u = FloatVector.fromArray(F, src, i).reinterpretAsInts();
            u.blend(0x7FC0_0000, u.and(0x7FFF_FFFF).compare(GT, 0x7F80_0000))
                    .intoMemorySegment(s, (from + i) * Float.BYTES, LE);
        }
        return whole;
    }
}
