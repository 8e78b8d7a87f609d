package dev.crucible.backend.cpu;

import dev.crucible.backend.Reduction;

import dev.crucible.backend.Mask;
import dev.crucible.backend.Operand;
import dev.crucible.backend.Threshold;

/** Scalar definitions of SCE's primitives (merge-methods.md §3.7): its weight sums and its final pass. */
final class SceKernels {
    private static final int TILE = Threshold.CHUNK;

    private SceKernels() {
    }

    /** Partials of chunk {@code c} of {@code Σ (δ_m · keep)²} for every model. */
    static double[] sumSquaresChunk(Operand b, Operand[] xs, Mask mask, long c) {
        long n = b.numel();
        long start = c * Threshold.CHUNK;
        long end = Math.min(n, start + Threshold.CHUNK);
        boolean[] keep = new boolean[(int) (end - start)];
        new MaskCursor(mask).fill(start, end, keep, null);
        return Reduction.chunk(n, c, xs.length, (j, out) -> {
            float k = keep[(int) (j - start)] ? 1f : 0f;
            for (int m = 0; m < xs.length; m++) {
                float d = Elements.delta(xs[m], b, j) * k;
                out[m] = (double) d * (double) d;
            }
        });
    }

    static void sce(Operand b, Operand[] xs, Mask mask, float[] w, Operand out, long from, long to) {
        int models = xs.length;
        boolean[] keep = new boolean[TILE];
        float[] d = new float[models];
        MaskCursor cursor = new MaskCursor(mask);
        for (long start = from; start < to; start += TILE) {
            long end = Math.min(to, start + TILE);
            cursor.fill(start, end, keep, null);
            for (long j = start; j < end; j++) {
                float k = keep[(int) (j - start)] ? 1f : 0f;
                float bj = Elements.read(b, j);
                float s = 0f;
                for (int m = 0; m < models; m++) {
                    d[m] = (Elements.read(xs[m], j) - bj) * k;
                    s = m == 0 ? d[m] : s + d[m];
                }
                boolean positive = s >= 0;
                float num = 0f;
                float den = 0f;
                boolean any = false;
                for (int m = 0; m < models; m++) {
                    if (positive ? d[m] > 0 : d[m] < 0) {
                        num = any ? num + d[m] * w[m] : d[m] * w[m];
                        den = any ? den + w[m] : w[m];
                        any = true;
                    }
                }
                Elements.write(out, j, bj + num / Math.max(den, 1e-6f));
            }
        }
    }
}
