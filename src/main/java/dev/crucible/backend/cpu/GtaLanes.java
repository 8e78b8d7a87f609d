package dev.crucible.backend.cpu;

import dev.crucible.backend.GtaSpec;
import dev.crucible.backend.Mask;
import dev.crucible.backend.Operand;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.D2F;
import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.F2D;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.SUB;

/**
 * {@link GtaKernels#gta} lane-wise, a tile at a time: inputs are widened into tiles, masks come from
 * {@link MaskLanes} (or bits already computed), and each lane performs the scalar kernel's binary32 operations in its
 * order — {@code (δ·keep)·scale} or {@code fl32(δ/p)} in binary64, {@code w·δ'}, the sums over models from the first
 * term, the election, the kept sum that starts at the first kept model, the division and λ — so every output bit
 * matches. Selections that are branches in the scalar code are blends here; a blend picks the value the branch would
 * have computed, and no lane computes anything else.
 */
final class GtaLanes {
    private static final VectorSpecies<Float> F = Tiles.F;
    /** The lanes that the high half of a float vector widens from: {@code D.length() ≤ i < 2·D.length()}. */
    private static final VectorMask<Float> UPPER = F.indexInRange(-LaneSums.D.length(), LaneSums.D.length());

    private GtaLanes() {
    }

    /**
     * Whether the lanes compute {@code spec}: all but DELLA masks under the inverse-probability rescale, whose
     * per-element keep probabilities only the scalar kernel derives.
     */
    static boolean supports(GtaSpec spec) {
        if (!spec.inverseP()) {
            return true;
        }
        for (Mask m : spec.masks()) {
            if (m instanceof Mask.Della) {
                return false;
            }
        }
        return true;
    }

    /** Elements {@code [from, to)}, with one mask evaluator per model for this thread. */
    static void gta(GtaSpec spec, Operand b, Operand[] xs, Operand out, MaskLanes[] masks, long from, long to) {
        int models = xs.length;
        float[] base = new float[Tiles.SIZE];
        float[] x = new float[Tiles.SIZE];
        boolean[] keep = new boolean[Tiles.SIZE];
        float[][] dp = new float[models][Tiles.SIZE];
        float[] r = new float[Tiles.SIZE];
        for (long start = from; start < to; start += Tiles.SIZE) {
            int n = (int) Math.min(Tiles.SIZE, to - start);
            Tiles.read(b, start, n, base);
            for (int m = 0; m < models; m++) {
                Tiles.read(xs[m], start, n, x);
                masks[m].fill(start, n, keep);
                if (spec.inverseP()) {
                    divided(base, x, keep, keepProbability(spec.masks()[m]), n, dp[m]);
                } else {
                    scaled(base, x, keep, spec.scales()[m], n, dp[m]);
                }
            }
            if (spec.consensus() == GtaSpec.Consensus.NONE) {
                summed(spec, base, dp, n, r);
            } else {
                elected(spec, base, dp, n, r);
            }
            Tiles.write(r, n, out, start);
        }
    }

    /** {@code δ' = (δ · (keep ? 1 : 0)) · scale}. */
    private static void scaled(float[] base, float[] x, boolean[] keep, float scale, int n, float[] dp) {
        for (int i = 0; i < n; i += Tiles.LANES) {
            FloatVector d = FloatVector.fromArray(F, x, i).sub(FloatVector.fromArray(F, base, i));
            FloatVector k = FloatVector.zero(F).blend(1f, VectorMask.fromArray(F, keep, i));
            d.mul(k).mul(scale).intoArray(dp, i);
        }
    }

    /**
     * {@code δ' = keep ? fl32(δ / p) : 0}, the division in binary64 as {@code (float) (d / p)} does it: widening is
     * exact, the division rounds once to binary64 and the narrowing once to binary32.
     */
    private static void divided(float[] base, float[] x, boolean[] keep, double p, int n, float[] dp) {
        for (int i = 0; i < n; i += Tiles.LANES) {
            FloatVector d = FloatVector.fromArray(F, x, i).sub(FloatVector.fromArray(F, base, i));
            // each half in binary64, narrowed back into its own lanes (the other lanes of each are zero)
            FloatVector low = (FloatVector) ((DoubleVector) d.convert(F2D, 0)).div(p).convert(D2F, 0);
            FloatVector high = (FloatVector) ((DoubleVector) d.convert(F2D, 1)).div(p).convert(D2F, -1);
            low.blend(high, UPPER).blend(0f, VectorMask.fromArray(F, keep, i).not()).intoArray(dp, i);
        }
    }

    /** The probability the inverse rescale divides by: Bernoulli's p; deterministic masks keep with certainty. */
    private static double keepProbability(Mask mask) {
        return mask instanceof Mask.Bernoulli bern ? bern.p() : 1.0;
    }

    /** Without election: {@code r = b + finish(w_0·δ'_0 + w_1·δ'_1 + …, divisor)}. */
    private static void summed(GtaSpec spec, float[] base, float[][] dp, int n, float[] r) {
        float[] w = spec.weights();
        boolean normalize = spec.normalize();
        float lambda = spec.lambda();
        for (int i = 0; i < n; i += Tiles.LANES) {
            FloatVector mixed = FloatVector.broadcast(F, w[0]).mul(FloatVector.fromArray(F, dp[0], i));
            for (int m = 1; m < dp.length; m++) {
                mixed = mixed.add(FloatVector.broadcast(F, w[m]).mul(FloatVector.fromArray(F, dp[m], i)));
            }
            if (normalize) {
                mixed = mixed.div(spec.divisor());
            }
            if (lambda != 1f) {
                mixed = mixed.mul(lambda);
            }
            FloatVector.fromArray(F, base, i).add(mixed).intoArray(r, i);
        }
    }

    /**
     * With election: the sign is + where {@code e_0 + e_1 + … ≥ 0} (a NaN sum elects −), or for COUNT where the
     * signs' votes sum to ≥ 0 (small integers, exact in binary32), with {@code e_m = wd_m = w_m·δ'_m}, or δ'_m for
     * SUM_UNWEIGHTED. Kept: {@code e_m > 0} under +, {@code e_m < 0} under −. {@code mixed = Σ_{kept} wd_m} and
     * {@code div = Σ_{kept} w_m} each start at the first kept model (0 when none is), {@code div} 1 where it is 0.
     */
    private static void elected(GtaSpec spec, float[] base, float[][] dp, int n, float[] r) {
        float[] w = spec.weights();
        boolean votes = spec.consensus() == GtaSpec.Consensus.COUNT;
        boolean unweighted = spec.consensus() == GtaSpec.Consensus.SUM_UNWEIGHTED;
        boolean normalize = spec.normalize();
        float lambda = spec.lambda();
        for (int i = 0; i < n; i += Tiles.LANES) {
            FloatVector sum = FloatVector.zero(F);
            for (int m = 0; m < dp.length; m++) {
                FloatVector d = FloatVector.fromArray(F, dp[m], i);
                FloatVector e = unweighted ? d : FloatVector.broadcast(F, w[m]).mul(d);
                if (votes) {
                    sum = sum.lanewise(ADD, 1f, e.compare(GT, 0f)).lanewise(SUB, 1f, e.compare(LT, 0f));
                } else {
                    sum = m == 0 ? e : sum.add(e);
                }
            }
            VectorMask<Float> plus = sum.compare(GE, 0f);
            FloatVector mixed = FloatVector.zero(F);
            FloatVector div = FloatVector.zero(F);
            VectorMask<Float> any = F.maskAll(false);
            for (int m = 0; m < dp.length; m++) {
                FloatVector d = FloatVector.fromArray(F, dp[m], i);
                FloatVector wd = FloatVector.broadcast(F, w[m]).mul(d);
                FloatVector e = unweighted ? d : wd;
                VectorMask<Float> kept = plus.and(e.compare(GT, 0f)).or(plus.not().and(e.compare(LT, 0f)));
                VectorMask<Float> later = kept.and(any);
                VectorMask<Float> first = kept.andNot(any);
                mixed = mixed.blend(mixed.add(wd), later).blend(wd, first);
                div = div.blend(div.add(w[m]), later).blend(w[m], first);
                any = any.or(kept);
            }
            if (normalize) {
                mixed = mixed.div(div.blend(1f, div.compare(EQ, 0f)));
            }
            if (lambda != 1f) {
                mixed = mixed.mul(lambda);
            }
            FloatVector.fromArray(F, base, i).add(mixed).intoArray(r, i);
        }
    }
}
