package dev.crucible.backend.cpu;

import dev.crucible.backend.Reduction;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * The accumulators of {@link Reduction}'s per-chunk topology for {@code count} sums, for lane loops: each sum has the
 * 256 lane accumulators of numerics-and-gpu.md §6, starting from +0.0, and element {@code e} of the chunk is added to
 * accumulator {@code e mod 256}. A loop adds a {@link DoubleVector} of the terms of consecutive elements to as many
 * consecutive accumulators in one lane-wise addition — each accumulator's own scalar addition — masked to the
 * elements of the tile, and tiles arrive in element order, so every accumulator adds the same terms in the same
 * order as the scalar kernel. The chunk's partial is then {@link Reduction#tree}.
 */
final class LaneSums {
    /** Doubles as wide as the float vectors: a float vector widens into two, its parts 0 and 1. */
    static final VectorSpecies<Double> D =
            VectorSpecies.of(double.class, Tiles.F.vectorShape());

    private final double[][] acc;

    LaneSums(int count) {
        acc = new double[count][Reduction.LANES];
    }

    /** The accumulators of sum {@code p}. */
    double[] lanes(int p) {
        return acc[p];
    }

    void clear() {
        for (double[] a : acc) {
            Arrays.fill(a, 0.0);
        }
    }

    /** The chunk partials of every sum; the accumulators must be cleared before the next chunk. */
    double[] partials() {
        double[] out = new double[acc.length];
        for (int p = 0; p < acc.length; p++) {
            out[p] = Reduction.tree(acc[p]);
        }
        return out;
    }
}
