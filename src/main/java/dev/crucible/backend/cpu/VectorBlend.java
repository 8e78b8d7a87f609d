package dev.crucible.backend.cpu;

import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.Operand;
import jdk.incubator.vector.FloatVector;

/**
 * {@link BlendKernels#blend} in lanes, for whole tensors and rows: the layouts whose coefficients are constant along
 * contiguous runs, so a tile never straddles two sets of coefficients. The sums are built a model at a time over a
 * tile, and every lane performs the scalar kernel's operations on its element in the same order — {@code c_0·x_0}
 * (or {@code c_0·(x_0 − b)}), then {@code + c_m·…} for m = 1, 2, …, then {@code b + sum} — multiply then add, never
 * fused, so every output bit matches.
 */
final class VectorBlend {
    private VectorBlend() {
    }

    static boolean supports(FibreLayout fibres) {
        return fibres.inner() == 1;
    }

    static void blend(Operand b, Operand[] xs, float[] c, FibreLayout fibres, Operand out, long from, long to) {
        long run = Math.max(1, fibres.length());
        float[] base = new float[Tiles.SIZE];
        float[] x = new float[Tiles.SIZE];
        float[] r = new float[Tiles.SIZE];
        for (long start = from; start < to; ) {
            long end = Math.min(Math.min(to, start + Tiles.SIZE), (start / run + 1) * run);
            int n = (int) (end - start);
            int k = (int) (start / run * xs.length);
            if (b == null) {
                Tiles.read(xs[0], start, n, x);
                times(x, c[k], n, r);
                for (int m = 1; m < xs.length; m++) {
                    Tiles.read(xs[m], start, n, x);
                    addTimes(x, c[k + m], n, r);
                }
            } else {
                Tiles.read(b, start, n, base);
                Tiles.read(xs[0], start, n, x);
                deltaTimes(x, base, c[k], n, r);
                for (int m = 1; m < xs.length; m++) {
                    Tiles.read(xs[m], start, n, x);
                    addDeltaTimes(x, base, c[k + m], n, r);
                }
                plus(base, n, r);
            }
            Tiles.write(r, n, out, start);
            start = end;
        }
    }

    /** {@code r = c·x}. */
    private static void times(float[] x, float c, int n, float[] r) {
        for (int i = 0; i < n; i += Tiles.LANES) {
            FloatVector.broadcast(Tiles.F, c).mul(FloatVector.fromArray(Tiles.F, x, i)).intoArray(r, i);
        }
    }

    /** {@code r = r + c·x}. */
    private static void addTimes(float[] x, float c, int n, float[] r) {
        for (int i = 0; i < n; i += Tiles.LANES) {
            FloatVector.fromArray(Tiles.F, r, i)
                    .add(FloatVector.broadcast(Tiles.F, c).mul(FloatVector.fromArray(Tiles.F, x, i)))
                    .intoArray(r, i);
        }
    }

    /** {@code r = c·(x − b)}. */
    private static void deltaTimes(float[] x, float[] b, float c, int n, float[] r) {
        for (int i = 0; i < n; i += Tiles.LANES) {
            FloatVector d = FloatVector.fromArray(Tiles.F, x, i).sub(FloatVector.fromArray(Tiles.F, b, i));
            FloatVector.broadcast(Tiles.F, c).mul(d).intoArray(r, i);
        }
    }

    /** {@code r = r + c·(x − b)}. */
    private static void addDeltaTimes(float[] x, float[] b, float c, int n, float[] r) {
        for (int i = 0; i < n; i += Tiles.LANES) {
            FloatVector d = FloatVector.fromArray(Tiles.F, x, i).sub(FloatVector.fromArray(Tiles.F, b, i));
            FloatVector.fromArray(Tiles.F, r, i).add(FloatVector.broadcast(Tiles.F, c).mul(d)).intoArray(r, i);
        }
    }

    /** {@code r = b + r}. */
    private static void plus(float[] b, int n, float[] r) {
        for (int i = 0; i < n; i += Tiles.LANES) {
            FloatVector.fromArray(Tiles.F, b, i).add(FloatVector.fromArray(Tiles.F, r, i)).intoArray(r, i);
        }
    }
}
