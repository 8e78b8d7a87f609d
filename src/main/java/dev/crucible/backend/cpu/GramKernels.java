package dev.crucible.backend.cpu;

import dev.crucible.backend.Reduction;

import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.Operand;

/**
 * Scalar definition of the Gram reduction: for each fibre, every pair {@code i ≤ k} of the vectors {@code x} (or
 * {@code δ = x − b}), summed with the fixed topology over the fibre's elements in order.
 */
final class GramKernels {
    private GramKernels() {
    }

    static int pairs(int models) {
        return models * (models + 1) / 2;
    }

    /** Partials of chunk {@code c} of fibre {@code f} for every pair. */
    static double[] chunk(Operand b, Operand[] xs, FibreLayout fibres, long f, long c) {
        int models = xs.length;
        float[] v = new float[models];
        return Reduction.chunk(fibres.length(), c, pairs(models), (i, out) -> {
            long j = fibres.index(f, i);
            float bj = b == null ? 0f : Elements.read(b, j);
            for (int m = 0; m < models; m++) {
                v[m] = b == null ? Elements.read(xs[m], j) : Elements.read(xs[m], j) - bj;
            }
            int p = 0;
            for (int m = 0; m < models; m++) {
                for (int k = m; k < models; k++) {
                    out[p++] = (double) v[m] * (double) v[k];
                }
            }
        });
    }
}
