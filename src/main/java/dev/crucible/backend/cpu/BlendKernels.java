package dev.crucible.backend.cpu;

import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.Operand;

/** Scalar definitions of the weighted-sum primitives ({@code blend}, {@code modelStock}), per element range. */
final class BlendKernels {
    private BlendKernels() {
    }

    /** The fibre element {@code j} belongs to. */
    static long fibreOf(FibreLayout f, long j) {
        long block = f.length() * f.inner();
        return j / block * f.inner() + j % f.inner();
    }

    static void blend(Operand b, Operand[] xs, float[] c, FibreLayout fibres, Operand out, long from, long to) {
        int models = xs.length;
        for (long j = from; j < to; j++) {
            int base = (int) (fibreOf(fibres, j) * models);
            float r;
            if (b == null) {
                r = c[base] * Elements.read(xs[0], j);
                for (int m = 1; m < models; m++) {
                    r = r + c[base + m] * Elements.read(xs[m], j);
                }
            } else {
                float bj = Elements.read(b, j);
                float sum = c[base] * (Elements.read(xs[0], j) - bj);
                for (int m = 1; m < models; m++) {
                    sum = sum + c[base + m] * (Elements.read(xs[m], j) - bj);
                }
                r = bj + sum;
            }
            Elements.write(out, j, r);
        }
    }

    static void modelStock(Operand b, Operand[] xs, float[] t, float[] u, FibreLayout fibres, Operand out,
                           long from, long to) {
        float n = xs.length;
        for (long j = from; j < to; j++) {
            int f = (int) fibreOf(fibres, j);
            float s = Elements.read(xs[0], j);
            for (int m = 1; m < xs.length; m++) {
                s = s + Elements.read(xs[m], j);
            }
            float avg = s / n;
            Elements.write(out, j, t[f] * avg + u[f] * Elements.read(b, j));
        }
    }
}
