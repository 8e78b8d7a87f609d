package dev.crucible.analyze;

import dev.crucible.backend.Backend;
import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.Keys;
import dev.crucible.backend.Mask;
import dev.crucible.backend.Operand;
import dev.crucible.backend.Selection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The figures of one tensor, computed with the backend's reductions on the stored operands ({@link Backend#gram},
 * {@link Backend#signConflicts}, {@link Selection}), so measuring a tensor holds nothing beyond what merging it
 * would. Task vectors are {@code δ_m = x_m − b}; every figure whose denominator is zero is NaN.
 */
final class Measures {
    /** The share of each task vector, by magnitude, that the top conflict rate looks at (TIES' default trim). */
    static final double TOP_FRACTION = 0.2;

    private final Backend backend;

    Measures(Backend backend) {
        this.backend = backend;
    }

    /**
     * Norms, zero fractions, pairwise cosines and conflict rates of the models' task vectors against {@code base};
     * without a base only the SLERP angle is defined.
     */
    TensorFigures before(String tensor, Operand base, List<String> labels, Operand[] xs) {
        TensorPlace place = TensorPlace.of(tensor);
        long n = xs[0].numel();
        double angle = slerpAngle(base, xs);
        if (base == null) {
            return new TensorFigures(tensor, place.layer(), place.module(), n, List.of(), List.of(), Double.NaN,
                    Double.NaN, angle);
        }
        FibreLayout whole = FibreLayout.whole(n);
        double baseNorm = Math.sqrt(backend.gram(null, new Operand[] {base}, whole)[0]);
        double[] g = backend.gram(base, xs, whole);
        int m = xs.length;
        List<ModelFigures> models = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            double norm = Math.sqrt(g[pair(i, i, m)]);
            long zeros = Selection.countKey(backend, new Keys.DeltaMagnitude(xs[i], base), 0);
            models.add(new ModelFigures(labels.get(i), norm, baseNorm == 0 ? Double.NaN : norm / baseNorm,
                    (double) zeros / n));
        }
        List<PairFigures> pairs = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            for (int k = i + 1; k < m; k++) {
                pairs.add(new PairFigures(labels.get(i), labels.get(k),
                        cosine(g[pair(i, k, m)], g[pair(i, i, m)], g[pair(k, k, m)])));
            }
        }
        double conflict = Double.NaN;
        double topConflict = Double.NaN;
        if (m >= 2) {
            conflict = conflictRate(base, xs, allMasks(m));
            topConflict = conflictRate(base, xs, topMasks(base, xs));
        }
        return new TensorFigures(tensor, place.layer(), place.module(), n, models, pairs, conflict, topConflict,
                angle);
    }

    /** After a merge: how much of {@code source − base} the merged tensor carries. */
    RetentionFigures retention(String tensor, Operand base, Operand merged, String label, Operand source) {
        TensorPlace place = TensorPlace.of(tensor);
        double[] g = backend.gram(base, new Operand[] {merged, source}, FibreLayout.whole(base.numel()));
        double kept = g[2] == 0 ? Double.NaN : g[1] / g[2];
        return new RetentionFigures(tensor, place.layer(), place.module(), label, cosine(g[1], g[0], g[2]), kept);
    }

    /**
     * The angle SLERP interpolates across, between weights rather than task vectors: the two models', or with one
     * model the base's and the model's (a SLERP config's base is one of its two endpoints). NaN otherwise.
     */
    private double slerpAngle(Operand base, Operand[] xs) {
        Operand[] pair = xs.length == 2 ? xs : base != null && xs.length == 1 ? new Operand[] {base, xs[0]} : null;
        if (pair == null) {
            return Double.NaN;
        }
        double[] g = backend.gram(null, pair, FibreLayout.whole(xs[0].numel()));
        double c = cosine(g[1], g[0], g[2]);
        return Double.isNaN(c) ? Double.NaN : StrictMath.acos(Math.max(-1, Math.min(1, c)));
    }

    private double conflictRate(Operand base, Operand[] xs, Mask[] masks) {
        long[] counts = backend.signConflicts(base, xs, masks);
        return counts[0] == 0 ? Double.NaN : (double) counts[1] / counts[0];
    }

    private static Mask[] allMasks(int m) {
        Mask[] masks = new Mask[m];
        Arrays.fill(masks, new Mask.All());
        return masks;
    }

    /** Each model's top {@link #TOP_FRACTION} of its task vector by magnitude. */
    private Mask[] topMasks(Operand base, Operand[] xs) {
        long k = (long) (TOP_FRACTION * base.numel());
        Mask[] masks = new Mask[xs.length];
        for (int i = 0; i < xs.length; i++) {
            Keys keys = new Keys.DeltaMagnitude(xs[i], base);
            masks[i] = k == 0 ? new Mask.None() : new Mask.Top(keys, backend.top(keys, k));
        }
        return masks;
    }

    /** Index of pair {@code (i, k)}, {@code i ≤ k}, in a Gram result over {@code m} vectors. */
    private static int pair(int i, int k, int m) {
        return i * m - i * (i - 1) / 2 + (k - i);
    }

    private static double cosine(double dot, double squaredNormA, double squaredNormB) {
        return dot / Math.sqrt(squaredNormA * squaredNormB);
    }
}
