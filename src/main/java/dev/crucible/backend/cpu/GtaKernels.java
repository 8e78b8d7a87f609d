package dev.crucible.backend.cpu;

import dev.crucible.backend.Reduction;

import dev.crucible.backend.GtaSpec;
import dev.crucible.backend.Mask;
import dev.crucible.backend.Operand;
import dev.crucible.backend.Threshold;

/**
 * Scalar definitions of generalized task arithmetic (the per-element formula in {@link dev.crucible.backend.Backend#gta})
 * and of its L1-rescale sums. Ranges are processed in tiles of at most one tie-prefix chunk so the per-model masks
 * fit in small arrays.
 */
final class GtaKernels {
    private static final int TILE = Threshold.CHUNK;

    private GtaKernels() {
    }

    static void gta(GtaSpec spec, Operand b, Operand[] xs, Operand out, long from, long to) {
        int models = xs.length;
        MaskCursor[] cursors = new MaskCursor[models];
        for (int m = 0; m < models; m++) {
            cursors[m] = new MaskCursor(spec.masks()[m]);
        }
        boolean[][] keep = new boolean[models][TILE];
        double[][] p = spec.inverseP() ? new double[models][TILE] : null;
        float[] wd = new float[models];
        float[] e = new float[models];
        for (long start = from; start < to; start += TILE) {
            long end = Math.min(to, start + TILE);
            for (int m = 0; m < models; m++) {
                cursors[m].fill(start, end, keep[m], p == null ? null : p[m]);
            }
            for (long j = start; j < end; j++) {
                int i = (int) (j - start);
                float bj = Elements.read(b, j);
                for (int m = 0; m < models; m++) {
                    float d = Elements.read(xs[m], j) - bj;
                    float dp;
                    if (spec.inverseP()) {
                        dp = keep[m][i] ? (float) (d / p[m][i]) : 0f;
                    } else {
                        dp = (d * (keep[m][i] ? 1f : 0f)) * spec.scales()[m];
                    }
                    wd[m] = spec.weights()[m] * dp;
                    e[m] = spec.consensus() == GtaSpec.Consensus.SUM_UNWEIGHTED ? dp : wd[m];
                }
                Elements.write(out, j, bj + combine(spec, wd, e));
            }
        }
    }

    /** The sign election and the (normalized, λ-scaled) sum of one element's weighted deltas. */
    private static float combine(GtaSpec spec, float[] wd, float[] e) {
        int models = wd.length;
        float mixed;
        float div;
        if (spec.consensus() == GtaSpec.Consensus.NONE) {
            mixed = wd[0];
            for (int m = 1; m < models; m++) {
                mixed = mixed + wd[m];
            }
            div = spec.divisor();
        } else {
            boolean positive = elect(spec.consensus(), e);
            mixed = 0f;
            div = 0f;
            boolean any = false;
            for (int m = 0; m < models; m++) {
                if (positive ? e[m] > 0 : e[m] < 0) {
                    mixed = any ? mixed + wd[m] : wd[m];
                    div = any ? div + spec.weights()[m] : spec.weights()[m];
                    any = true;
                }
            }
            if (div == 0f) {
                div = 1f;
            }
        }
        if (spec.normalize()) {
            mixed = mixed / div;
        }
        if (spec.lambda() != 1f) {
            mixed = mixed * spec.lambda();
        }
        return mixed;
    }

    /** The elected sign is + when the sum (or the sign count) is ≥ 0; a NaN sum elects −. */
    private static boolean elect(GtaSpec.Consensus consensus, float[] e) {
        if (consensus == GtaSpec.Consensus.COUNT) {
            int votes = 0;
            for (float v : e) {
                votes += v > 0 ? 1 : v < 0 ? -1 : 0;
            }
            return votes >= 0;
        }
        float s = e[0];
        for (int m = 1; m < e.length; m++) {
            s = s + e[m];
        }
        return s >= 0;
    }

    /** Partials of chunk {@code c} of the L1 sums {@code A = Σ|δ|}, {@code B = Σ|δ·keep|}. */
    static double[] l1Chunk(Operand b, Operand x, Mask mask, long c) {
        long n = x.numel();
        long start = c * Threshold.CHUNK;
        long end = Math.min(n, start + Threshold.CHUNK);
        boolean[] keep = new boolean[(int) (end - start)];
        new MaskCursor(mask).fill(start, end, keep, null);
        return Reduction.chunk(n, c, 2, (j, out) -> {
            float d = Elements.delta(x, b, j);
            out[0] = Math.abs(d);
            out[1] = Math.abs(d * (keep[(int) (j - start)] ? 1f : 0f));
        });
    }
}
