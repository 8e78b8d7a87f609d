package dev.crucible.backend.cpu;

import dev.crucible.backend.Operand;

/** Scalar definitions of RAM and RAM+ (merge-methods.md §3.8): contributor counts and the final pass. */
final class RamKernels {
    private RamKernels() {
    }

    /** Adds to {@code counts} ({@code [shared_0, unique_0, …]}) the contributions of elements {@code [from, to)}. */
    static void counts(Operand b, Operand[] xs, float epsilon, long from, long to, long[] counts) {
        boolean[] nz = new boolean[xs.length];
        for (long j = from; j < to; j++) {
            int c = contributors(b, xs, epsilon, j, nz);
            for (int m = 0; m < xs.length; m++) {
                if (nz[m]) {
                    counts[2 * m + (c == 1 ? 1 : 0)]++;
                }
            }
        }
    }

    static void ram(Operand b, Operand[] xs, float epsilon, float[] lambdas, Operand out, long from, long to) {
        boolean[] nz = new boolean[xs.length];
        for (long j = from; j < to; j++) {
            int c = contributors(b, xs, epsilon, j, nz);
            float bj = Elements.read(b, j);
            float merged = 0f;
            boolean any = false;
            for (int m = 0; m < xs.length; m++) {
                if (nz[m]) {
                    float d = Elements.read(xs[m], j) - bj;
                    float term = c == 1 ? (lambdas == null ? d : d * lambdas[m]) : d / c;
                    merged = any ? merged + term : term;
                    any = true;
                }
            }
            Elements.write(out, j, bj + merged);
        }
    }

    /** Marks the models whose delta at {@code j} exceeds ε in magnitude; returns how many do. */
    private static int contributors(Operand b, Operand[] xs, float epsilon, long j, boolean[] nz) {
        int c = 0;
        float bj = Elements.read(b, j);
        for (int m = 0; m < xs.length; m++) {
            nz[m] = Math.abs(Elements.read(xs[m], j) - bj) > epsilon;
            c += nz[m] ? 1 : 0;
        }
        return c;
    }
}
