package dev.crucible.backend.cpu;

import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.Mask;
import dev.crucible.backend.Keys;
import dev.crucible.backend.Threshold;
import dev.crucible.rng.Philox;

import java.util.Arrays;

/**
 * Evaluates one model's {@link Mask} over a range of elements, as the scalar definition every engine matches.
 * Masks are recomputed wherever they are needed (merge-methods.md §3.6): top-k from the key and the running count of
 * ties, Bernoulli from Philox, DELLA from each element's rank within its fibre.
 */
final class MaskCursor {
    private final Mask mask;
    /** DELLA: keep probabilities of the fibre block last computed (and the mask they belong to), for the next range. */
    private Mask.Della blockMask;
    private long blockStart = -1;
    private double[] blockP;

    MaskCursor(Mask mask) {
        this.mask = mask;
    }

    /**
     * Fills {@code keep[0, to − from)} for elements {@code [from, to)} and, when {@code p} is not null, each
     * element's keep probability (for the inverse-probability rescale): Bernoulli's p, DELLA's p_j, and 1 for the
     * deterministic masks, which keep what they keep with certainty.
     */
    void fill(long from, long to, boolean[] keep, double[] p) {
        if (p != null) {
            Arrays.fill(p, 0, (int) (to - from), 1.0);
        }
        fill(mask, from, to, keep, p);
    }

    private void fill(Mask m, long from, long to, boolean[] keep, double[] p) {
        int n = (int) (to - from);
        switch (m) {
            case Mask.All a -> Arrays.fill(keep, 0, n, true);
            case Mask.None none -> Arrays.fill(keep, 0, n, false);
            case Mask.Top top -> top(top.keys(), top.threshold(), from, to, keep);
            case Mask.Band band -> {
                boolean[] excluded = new boolean[n];
                fill(band.within(), from, to, keep, null);
                fill(band.excluded(), from, to, excluded, null);
                for (int i = 0; i < n; i++) {
                    keep[i] = keep[i] && !excluded[i];
                }
            }
            case Mask.Bernoulli bern -> {
                long threshold = Philox.threshold(bern.p());
                for (int i = 0; i < n; i++) {
                    keep[i] = Philox.keep(bern.key(), from + i, threshold);
                }
                if (p != null) {
                    Arrays.fill(p, 0, n, bern.p());
                }
            }
            case Mask.Della della -> della(della, from, to, keep, p);
        }
    }

    /** Top-k: key above the threshold, or equal to it and among the first {@code ties} such elements. */
    private static void top(Keys keys, Threshold t, long from, long to, boolean[] keep) {
        long chunk = from / Threshold.CHUNK;
        long seen = t.tiesBefore(chunk);
        for (long j = chunk * Threshold.CHUNK; j < from; j++) {
            if (SelectionKernels.key(keys, j) == t.key()) {
                seen++;
            }
        }
        for (long j = from; j < to; j++) {
            int k = SelectionKernels.key(keys, j);
            boolean kept = Integer.compareUnsigned(k, t.key()) > 0;
            if (k == t.key()) {
                kept = seen < t.ties();
                seen++;
            }
            keep[(int) (j - from)] = kept;
        }
    }

    private void della(Mask.Della d, long from, long to, boolean[] keep, double[] p) {
        FibreLayout f = d.fibres();
        long block = f.length() * f.inner();
        for (long j = from; j < to; j++) {
            long start = j / block * block;
            if (d != blockMask || start != blockStart) {
                blockP = dellaProbabilities(d, start / block);
                blockMask = d;
                blockStart = start;
            }
            double pj = blockP[(int) (j - start)];
            int i = (int) (j - from);
            keep[i] = Philox.keep(d.key(), j, Philox.threshold(pj));
            if (p != null) {
                p[i] = pj;
            }
        }
    }

    /**
     * Keep probabilities of outer block {@code a}: per fibre, {@code rank} of each |δ| (1 = smallest; among equal
     * keys the higher index ranks lower, numerics-and-gpu.md §5.4), {@code rn = (rank − 1)/(n − 1)} (0.5 for a
     * fibre of one), {@code p = (density − ε) + rn·2ε}, all binary64.
     */
    private double[] dellaProbabilities(Mask.Della d, long a) {
        FibreLayout f = d.fibres();
        int n = Math.toIntExact(f.length());
        double[] probs = new double[Math.toIntExact(f.length() * f.inner())];
        long[] order = new long[n];
        for (long c = 0; c < f.inner(); c++) {
            long fibre = a * f.inner() + c;
            for (int i = 0; i < n; i++) {
                // ascending key (unsigned: the sign bit flipped makes the signed order of the longs the keys'),
                // then descending index: the sort position is the rank
                int key = SelectionKernels.key(d.keys(), f.index(fibre, i));
                order[i] = (long) (key ^ Integer.MIN_VALUE) << 32 | (~i & 0xFFFFFFFFL);
            }
            Arrays.sort(order);
            for (int pos = 0; pos < n; pos++) {
                int i = ~(int) order[pos];
                double rn = n == 1 ? 0.5 : (double) pos / (n - 1);
                probs[(int) (i * f.inner() + c)] = (d.density() - d.epsilon()) + rn * (2 * d.epsilon());
            }
        }
        return probs;
    }
}
