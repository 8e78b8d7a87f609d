package dev.crucible.backend.cpu;

import dev.crucible.backend.Operand;
import dev.crucible.io.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.nio.ByteOrder;

import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.I2S;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.S2I;

/**
 * Lane-wise versions of {@link Elements}' read and write for BF16, F16 and F32, bit-identical to the scalar
 * definitions (numerics-and-gpu.md §2):
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
 *   <li>F32 write: NaN lanes become 0x7FC00000.</li>
 * </ul>
 */
final class VectorFormats {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = F.withLanes(int.class);
    /** Half the width of {@link #F}, so one short vector widens to one float vector. */
    private static final VectorSpecies<Short> S =
            VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private VectorFormats() {
    }

    /** Whether lanes of {@code dtype} are supported (F64 stays scalar: it is rare in checkpoints). */
    static boolean supports(DType dtype) {
        return dtype == DType.BF16 || dtype == DType.F16 || dtype == DType.F32;
    }

    /** Elements {@code [i, i + F.length())} of {@code o}, widened. */
    static FloatVector read(Operand o, long i) {
        return switch (o.dtype()) {
            case BF16 -> shorts(o, i).lanewise(LSHL, 16).reinterpretAsFloats();
            case F16 -> widenF16(shorts(o, i));
            case F32 -> FloatVector.fromMemorySegment(F, o.bytes(), i * Float.BYTES, LE);
            default -> throw new IllegalArgumentException("no lanes for " + o.dtype());
        };
    }

    /** Writes {@code v} to elements {@code [i, i + F.length())} of {@code o}, rounded once. */
    static void write(Operand o, long i, FloatVector v) {
        IntVector u = v.reinterpretAsInts();
        switch (o.dtype()) {
            case BF16 -> u.add(0x7FFF).add(u.lanewise(LSHR, 16).and(1)).lanewise(LSHR, 16)
                    .blend(0x7FC0, isNaN(u)).convertShape(I2S, S, 0)
                    .intoMemorySegment(o.bytes(), i * Short.BYTES, LE);
            case F16 -> narrowF16(u).convertShape(I2S, S, 0).intoMemorySegment(o.bytes(), i * Short.BYTES, LE);
            case F32 -> u.blend(0x7FC0_0000, isNaN(u)).intoMemorySegment(o.bytes(), i * Float.BYTES, LE);
            default -> throw new IllegalArgumentException("no lanes for " + o.dtype());
        }
    }

    private static IntVector shorts(Operand o, long i) {
        return (IntVector) ShortVector.fromMemorySegment(S, o.bytes(), i * Short.BYTES, LE).convertShape(S2I, I, 0);
    }

    private static FloatVector widenF16(IntVector h) {
        // S2I sign-extends, so bit 31 already holds the half's sign
        IntVector a = h.and(0x7FFF);
        IntVector shifted = a.lanewise(LSHL, 13);
        IntVector subnormal = ((FloatVector) a.convert(I2F, 0)).mul(0x1p-24f).reinterpretAsInts();
        return subnormal.blend(shifted.add(112 << 23), a.compare(GE, 0x0400)) // normal: bias 15 → 127
                .blend(shifted.or(0x7F80_0000), a.compare(GE, 0x7C00)) // infinity
                .blend(shifted.or(0x7FC0_0000), a.compare(GT, 0x7C00)) // NaN, made quiet
                .or(h.and(0x8000_0000))
                .reinterpretAsFloats();
    }

    private static IntVector narrowF16(IntVector u) {
        // every lane computes every case of §2.3; the blends keep the one its thresholds select
        IntVector a = u.and(0x7FFF_FFFF);
        IntVector m = a.sub(0x3800_0000);
        IntVector normal = m.add(0x0FFF).add(m.lanewise(LSHR, 13).and(1)).lanewise(LSHR, 13);
        IntVector subnormal = a.reinterpretAsFloats().add(0.5f).reinterpretAsInts().sub(0x3F00_0000);
        IntVector magnitude = subnormal.blend(normal, a.compare(GE, 0x3880_0000))
                .blend(0x7C00, a.compare(GE, 0x477F_F000));
        return magnitude.or(u.lanewise(LSHR, 16).and(0x8000)).blend(0x7E00, isNaN(u));
    }

    /** Lanes holding a binary32 NaN, of either sign and any payload. */
    private static VectorMask<Integer> isNaN(IntVector bits) {
        return bits.and(0x7FFF_FFFF).compare(GT, 0x7F80_0000);
    }
}
