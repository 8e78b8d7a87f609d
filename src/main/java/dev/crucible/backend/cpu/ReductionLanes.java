package dev.crucible.backend.cpu;

import dev.crucible.backend.Reduction;

import dev.crucible.backend.Operand;
import dev.crucible.backend.Threshold;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.util.ArrayList;
import java.util.List;

import static jdk.incubator.vector.VectorOperators.F2D;

/**
 * The vector engine's reductions — {@link GtaKernels#l1Chunk}, {@link SceKernels#sumSquaresChunk} and
 * {@link GramKernels#chunk} — over tiles, accumulated with {@link LaneSums}' topology. Each lane computes the scalar
 * kernel's binary32 value ({@code δ = x − b}, {@code δ·keep}) and its binary64 term ({@code (double) |v|} or
 * {@code (double) u · (double) v}, exact) the same way, so the chunk partials are bit-identical. A float vector of
 * terms widens into two double vectors, its parts 0 and 1.
 */
final class ReductionLanes {
    private static final int CHUNK = Threshold.CHUNK;
    private static final VectorSpecies<Float> F = Tiles.F;
    private static final VectorSpecies<Double> D = LaneSums.D;

    private ReductionLanes() {
    }

    /**
     * The L1 partials {@code {Σ|δ|, Σ|δ·keep|}} of the chunks in {@code [from, to)} ({@code from} a chunk start),
     * recording the mask's bits into {@code record} when it is not null.
     */
    static List<double[]> l1(Operand b, Operand x, MaskLanes mask, MaskBits record, long from, long to) {
        float[] bt = new float[Tiles.SIZE];
        float[] xt = new float[Tiles.SIZE];
        boolean[] keep = new boolean[Tiles.SIZE];
        LaneSums sums = new LaneSums(2);
        List<double[]> partials = new ArrayList<>();
        for (long chunk = from; chunk < to; chunk += CHUNK) {
            sums.clear();
            for (long start = chunk; start < Math.min(to, chunk + CHUNK); start += Tiles.SIZE) {
                int n = (int) Math.min(Tiles.SIZE, to - start);
                Tiles.read(b, start, n, bt);
                Tiles.read(x, start, n, xt);
                mask.fill(start, n, keep);
                if (record != null) {
                    record.record(start, n, keep);
                }
                l1Tile(xt, bt, keep, n, sums.lanes(0), sums.lanes(1));
            }
            partials.add(sums.partials());
        }
        return partials;
    }

    /** The partials of {@code Σ (δ_m · keep)²} per model for the chunks in {@code [from, to)}. */
    static List<double[]> sumSquares(Operand b, Operand[] xs, MaskLanes mask, long from, long to) {
        int models = xs.length;
        float[] bt = new float[Tiles.SIZE];
        float[] xt = new float[Tiles.SIZE];
        boolean[] keep = new boolean[Tiles.SIZE];
        LaneSums sums = new LaneSums(models);
        List<double[]> partials = new ArrayList<>();
        for (long chunk = from; chunk < to; chunk += CHUNK) {
            sums.clear();
            for (long start = chunk; start < Math.min(to, chunk + CHUNK); start += Tiles.SIZE) {
                int n = (int) Math.min(Tiles.SIZE, to - start);
                Tiles.read(b, start, n, bt);
                mask.fill(start, n, keep);
                for (int m = 0; m < models; m++) {
                    Tiles.read(xs[m], start, n, xt);
                    squaresTile(xt, bt, keep, n, sums.lanes(m));
                }
            }
            partials.add(sums.partials());
        }
        return partials;
    }

    /**
     * The partial of every pair {@code i ≤ k} over {@code size} consecutive elements from {@code start}: one chunk
     * of a contiguous fibre.
     */
    static double[] gramChunk(Operand b, Operand[] xs, long start, long size) {
        int models = xs.length;
        float[] bt = new float[Tiles.SIZE];
        float[][] v = new float[models][Tiles.SIZE];
        LaneSums sums = new LaneSums(GramKernels.pairs(models));
        for (long tile = start; tile < start + size; tile += Tiles.SIZE) {
            int n = (int) Math.min(Tiles.SIZE, start + size - tile);
            for (int m = 0; m < models; m++) {
                Tiles.read(xs[m], tile, n, v[m]);
            }
            if (b != null) {
                Tiles.read(b, tile, n, bt);
                for (float[] vm : v) {
                    deltas(vm, bt, n);
                }
            }
            int p = 0;
            for (int m = 0; m < models; m++) {
                for (int k = m; k < models; k++) {
                    productsTile(v[m], v[k], n, sums.lanes(p++));
                }
            }
        }
        return sums.partials();
    }

    /** Adds {@code (double) |x − b|} to {@code abs} and {@code (double) |(x − b)·keep|} to {@code kept}. */
    private static void l1Tile(float[] x, float[] b, boolean[] keep, int n, double[] abs, double[] kept) {
        for (int i = 0; i < n; i += F.length()) {
            FloatVector d = FloatVector.fromArray(F, x, i).sub(FloatVector.fromArray(F, b, i));
            FloatVector a = d.abs();
            FloatVector k = d.mul(FloatVector.zero(F).blend(1f, VectorMask.fromArray(F, keep, i))).abs();
            for (int part = 0; part < 2; part++) {
                int e = i + part * D.length();
                int lane = e % Reduction.LANES;
                VectorMask<Double> tile = D.indexInRange(e, n);
                DoubleVector.fromArray(D, abs, lane).add((DoubleVector) a.convert(F2D, part), tile)
                        .intoArray(abs, lane);
                DoubleVector.fromArray(D, kept, lane).add((DoubleVector) k.convert(F2D, part), tile)
                        .intoArray(kept, lane);
            }
        }
    }

    /** Adds {@code (double) d · (double) d} with {@code d = (x − b)·keep} to {@code acc}. */
    private static void squaresTile(float[] x, float[] b, boolean[] keep, int n, double[] acc) {
        for (int i = 0; i < n; i += F.length()) {
            FloatVector d = FloatVector.fromArray(F, x, i).sub(FloatVector.fromArray(F, b, i))
                    .mul(FloatVector.zero(F).blend(1f, VectorMask.fromArray(F, keep, i)));
            for (int part = 0; part < 2; part++) {
                int e = i + part * D.length();
                int lane = e % Reduction.LANES;
                DoubleVector w = (DoubleVector) d.convert(F2D, part);
                DoubleVector.fromArray(D, acc, lane).add(w.mul(w), D.indexInRange(e, n)).intoArray(acc, lane);
            }
        }
    }

    /** Adds {@code (double) u · (double) v} to {@code acc}. */
    private static void productsTile(float[] u, float[] v, int n, double[] acc) {
        for (int i = 0; i < n; i += F.length()) {
            FloatVector fu = FloatVector.fromArray(F, u, i);
            FloatVector fv = FloatVector.fromArray(F, v, i);
            for (int part = 0; part < 2; part++) {
                int e = i + part * D.length();
                int lane = e % Reduction.LANES;
                DoubleVector w = ((DoubleVector) fu.convert(F2D, part)).mul((DoubleVector) fv.convert(F2D, part));
                DoubleVector.fromArray(D, acc, lane).add(w, D.indexInRange(e, n)).intoArray(acc, lane);
            }
        }
    }

    /** {@code v = v − b} in place. */
    private static void deltas(float[] v, float[] b, int n) {
        for (int i = 0; i < n; i += Tiles.LANES) {
            FloatVector.fromArray(Tiles.F, v, i).sub(FloatVector.fromArray(Tiles.F, b, i)).intoArray(v, i);
        }
    }
}
