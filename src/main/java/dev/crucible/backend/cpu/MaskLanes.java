package dev.crucible.backend.cpu;

import dev.crucible.backend.Mask;
import dev.crucible.rng.Philox;
import dev.crucible.rng.PhiloxLanes;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

import static jdk.incubator.vector.VectorOperators.ULT;

/**
 * The vector engine's {@link MaskCursor}: one model's {@link Mask} over a tile at a time, the same keep bits.
 * {@code keep[0, n)} is filled for elements {@code [from, from + n)}; entries past {@code n} may be overwritten with
 * anything. An evaluator keeps state between consecutive tiles (a top-k mask's running tie count, DELLA's fibre
 * block), so each thread uses its own, created by {@link #of}.
 */
interface MaskLanes {

    void fill(long from, int n, boolean[] keep);

    /** An evaluator of {@code mask} for one thread. */
    static MaskLanes of(Mask mask) {
        return switch (mask) {
            case Mask.All a -> (from, n, keep) -> Arrays.fill(keep, 0, n, true);
            case Mask.None none -> (from, n, keep) -> Arrays.fill(keep, 0, n, false);
            case Mask.Top top -> new TopLanes(new KeyLanes(top.keys()), top.threshold());
            case Mask.Band band -> new Band(of(band.within()), of(band.excluded()));
            case Mask.Bernoulli bern -> new Bernoulli(bern.key(), Philox.threshold(bern.p()));
            case Mask.Della della -> new DellaLanes(della);
        };
    }

    /** What {@code within} keeps and {@code excluded} does not. */
    final class Band implements MaskLanes {
        private final MaskLanes within;
        private final MaskLanes excluded;
        private final boolean[] dropped = new boolean[Tiles.SIZE];

        Band(MaskLanes within, MaskLanes excluded) {
            this.within = within;
            this.excluded = excluded;
        }

        @Override
        public void fill(long from, int n, boolean[] keep) {
            within.fill(from, n, keep);
            excluded.fill(from, n, dropped);
            for (int i = 0; i < n; i++) {
                keep[i] = keep[i] && !dropped[i];
            }
        }
    }

    /**
     * DARE: {@code u < T} with the draws of {@link PhiloxLanes} (the bits of {@link Philox#draw}). For
     * {@code 0 < T < 2^32}, {@code T} fits 32 unsigned bits and the lanes compare {@code u} with it unsigned, which
     * is the scalar comparison of the two as non-negative {@code long}s; {@code T = 0} keeps nothing and
     * {@code T = 2^32} everything, as there.
     */
    final class Bernoulli implements MaskLanes {
        private static final VectorSpecies<Integer> I = Tiles.I;
        private final long key;
        private final long threshold;
        private final int[] draws = new int[Tiles.SIZE];

        Bernoulli(long key, long threshold) {
            this.key = key;
            this.threshold = threshold;
        }

        @Override
        public void fill(long from, int n, boolean[] keep) {
            if (threshold == 0 || threshold == 1L << 32) {
                Arrays.fill(keep, 0, n, threshold != 0);
                return;
            }
            PhiloxLanes.draws(key, from, draws, n);
            int t = (int) threshold;
            for (int i = 0; i < n; i += Tiles.LANES) {
                IntVector.fromArray(I, draws, i).compare(ULT, t).intoArray(keep, i);
            }
        }
    }
}
