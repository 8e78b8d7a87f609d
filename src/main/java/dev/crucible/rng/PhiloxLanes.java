package dev.crucible.rng;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorSpecies;

import static jdk.incubator.vector.VectorOperators.L2I;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.XOR;

/**
 * {@link Philox#draw} for runs of consecutive elements with the Vector API: lane {@code l} computes the draw of
 * element {@code first + i + l} with exactly the scalar rounds, so the results are the same bits.
 *
 * <p>Each lane is a 64-bit {@code long} holding one 32-bit Philox word in its low half. A word is only ever
 * multiplied after {@code & 0xFFFFFFFF}, so each product of two values below 2^32 is the full 32×32→64 product of
 * the scalar code ({@code (c & 0xFFFFFFFFL) * M}). Words that are only XORed or stored ({@code c1 = lo1},
 * {@code c3 = lo0}, and the XOR results) may carry garbage in their high halves: XOR acts on each bit on its own, so
 * their low halves are exactly the scalar words, and the next multiply's mask or the final narrowing to {@code int}
 * drops the rest.
 *
 * <p>Speed, not bits: the multipliers are masked at run time (loaded from an array, not folded as constants), so
 * HotSpot sees two zero-extended operands and issues one unsigned 32-bit multiply per lane ({@code vpmuludq})
 * instead of a full 64-bit one; and four independent blocks of lanes go through the rounds together, since one
 * block's rounds are a chain of dependent multiplies. The loop calls only the Vector API, whose methods HotSpot
 * always inlines: a call to a helper of ours could be left out of line in a method this large, and every vector
 * passed to it would then be boxed.
 */
public final class PhiloxLanes {
    /** The preferred shape, at most 512 bits, as the CPU engine's other vectors. */
    private static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED.vectorBitSize() > 512
            ? LongVector.SPECIES_512 : LongVector.SPECIES_PREFERRED;
    private static final long[] MULTIPLIERS = {0xD2511F53L, 0xCD9E8D57L};
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;
    private static final int ROUNDS = 10;
    private static final long LOW = 0xFFFFFFFFL;

    private PhiloxLanes() {
    }

    /**
     * {@code out[i] = (int) Philox.draw(key, first + i)} for {@code i} in {@code [0, n)}: the draws as unsigned
     * 32-bit values in {@code int}s.
     */
    public static void draws(long key, long first, int[] out, int n) {
        int k0 = (int) key;
        int k1 = (int) (key >>> 32);
        LongVector m0 = LongVector.broadcast(L, MULTIPLIERS[0]).and(LOW);
        LongVector m1 = LongVector.broadcast(L, MULTIPLIERS[1]).and(LOW);
        LongVector iota = LongVector.zero(L).addIndex(1);
        LongVector zero = LongVector.zero(L);
        int lanes = L.length();
        int i = 0;
        for (; i + 4 * lanes <= n; i += 4 * lanes) {
            // four blocks a, b, c, d of consecutive elements; word w of block a is aw, and so on
            LongVector a0 = iota.add(first + i);
            LongVector b0 = iota.add(first + i + lanes);
            LongVector c0 = iota.add(first + i + 2 * lanes);
            LongVector d0 = iota.add(first + i + 3 * lanes);
            LongVector a1 = a0.lanewise(LSHR, 32);
            LongVector b1 = b0.lanewise(LSHR, 32);
            LongVector c1 = c0.lanewise(LSHR, 32);
            LongVector d1 = d0.lanewise(LSHR, 32);
            LongVector a2 = zero;
            LongVector b2 = zero;
            LongVector c2 = zero;
            LongVector d2 = zero;
            LongVector a3 = zero;
            LongVector b3 = zero;
            LongVector c3 = zero;
            LongVector d3 = zero;
            for (int r = 0; r < ROUNDS; r++) {
                long r0 = (k0 + r * W0) & LOW;
                long r1 = (k1 + r * W1) & LOW;
                LongVector pa0 = a0.and(LOW).mul(m0);
                LongVector pa1 = a2.and(LOW).mul(m1);
                LongVector pb0 = b0.and(LOW).mul(m0);
                LongVector pb1 = b2.and(LOW).mul(m1);
                LongVector pc0 = c0.and(LOW).mul(m0);
                LongVector pc1 = c2.and(LOW).mul(m1);
                LongVector pd0 = d0.and(LOW).mul(m0);
                LongVector pd1 = d2.and(LOW).mul(m1);
                a0 = pa1.lanewise(LSHR, 32).lanewise(XOR, a1).lanewise(XOR, r0);
                b0 = pb1.lanewise(LSHR, 32).lanewise(XOR, b1).lanewise(XOR, r0);
                c0 = pc1.lanewise(LSHR, 32).lanewise(XOR, c1).lanewise(XOR, r0);
                d0 = pd1.lanewise(LSHR, 32).lanewise(XOR, d1).lanewise(XOR, r0);
                a2 = pa0.lanewise(LSHR, 32).lanewise(XOR, a3).lanewise(XOR, r1);
                b2 = pb0.lanewise(LSHR, 32).lanewise(XOR, b3).lanewise(XOR, r1);
                c2 = pc0.lanewise(LSHR, 32).lanewise(XOR, c3).lanewise(XOR, r1);
                d2 = pd0.lanewise(LSHR, 32).lanewise(XOR, d3).lanewise(XOR, r1);
                a1 = pa1;
                b1 = pb1;
                c1 = pc1;
                d1 = pd1;
                a3 = pa0;
                b3 = pb0;
                c3 = pc0;
                d3 = pd0;
            }
            // the low halves of the lanes, two blocks to an int vector of the same width (written out: a helper
            // here might not be inlined, see below)
            ((IntVector) a0.convert(L2I, 0)).or((IntVector) b0.convert(L2I, -1)).intoArray(out, i);
            ((IntVector) c0.convert(L2I, 0)).or((IntVector) d0.convert(L2I, -1)).intoArray(out, i + 2 * lanes);
        }
        for (; i < n; i++) {
            out[i] = (int) Philox.draw(key, first + i);
        }
    }
}
