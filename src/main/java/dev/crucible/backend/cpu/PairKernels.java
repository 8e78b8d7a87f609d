package dev.crucible.backend.cpu;

import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.Operand;

/** Scalar definitions of the two-model primitives: NearSwap and Arcee Fusion (merge-methods.md §3.10, §3.11). */
final class PairKernels {
    private PairKernels() {
    }

    static void nearswap(Operand b, Operand x, float t, Operand out, long from, long to) {
        for (long j = from; j < to; j++) {
            float bj = Elements.read(b, j);
            float xj = Elements.read(x, j);
            float d = Math.abs(bj - xj);
            float w = Math.min(Math.max(t / Math.max(d, 1e-6f), 0f), 1f);
            Elements.write(out, j, w * xj + (1f - w) * bj);
        }
    }

    /** Importance of the rows {@code [fromRow, toRow)}; rows are contiguous runs of {@code rows.length()}. */
    static void arceeImportance(Operand a, Operand x, FibreLayout rows, Operand importance, long fromRow,
                                long toRow) {
        long n = rows.length();
        for (long r = fromRow; r < toRow; r++) {
            long start = r * n;
            double maxA = Double.NEGATIVE_INFINITY;
            double maxX = Double.NEGATIVE_INFINITY;
            for (long j = start; j < start + n; j++) {
                maxA = Math.max(maxA, Elements.read(a, j));
                maxX = Math.max(maxX, Elements.read(x, j));
            }
            double sumA = 0;
            double sumX = 0;
            for (long j = start; j < start + n; j++) {
                sumA += StrictMath.exp(Elements.read(a, j) - maxA);
                sumX += StrictMath.exp(Elements.read(x, j) - maxX);
            }
            double kl = 0;
            for (long j = start; j < start + n; j++) {
                double p = StrictMath.exp(Elements.read(x, j) - maxX) / sumX + 1e-8;
                double q = StrictMath.exp(Elements.read(a, j) - maxA) / sumA + 1e-8;
                kl += p * StrictMath.log(p / q);
            }
            for (long j = start; j < start + n; j++) {
                float diff = Math.abs(Elements.read(x, j) - Elements.read(a, j));
                Elements.write(importance, j, (float) (diff * kl));
            }
        }
    }

    static void arceeBlend(Operand a, Operand x, Operand importance, float threshold, Operand out, long from,
                           long to) {
        for (long j = from; j < to; j++) {
            float aj = Elements.read(a, j);
            float mask = Elements.read(importance, j) >= threshold ? 1f : 0f;
            Elements.write(out, j, aj + (Elements.read(x, j) - aj) * mask);
        }
    }
}
