package dev.crucible.method;

import dev.crucible.io.DType;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SceTest {

    /** Merges {@code base + tvs[m]} over {@code base}. */
    private static float[] merge(float[] base, float[][] tvs, double selectTopk) {
        MethodHarness h = new MethodHarness().baseInput("base", DType.F32, base, Map.of(), true);
        for (int m = 0; m < tvs.length; m++) {
            float[] x = new float[base.length];
            for (int j = 0; j < x.length; j++) {
                x[j] = base[j] + tvs[m][j];
            }
            h.input("m" + m, DType.F32, x, Map.of());
        }
        return h.merge(new Sce(), Map.of("select_topk", selectTopk));
    }

    @Test
    void weightsAreMeanSquaresAndOnlyTheElectedSignIsAveraged() {
        // Σ tv0² = 36, Σ tv1² = 12 over 6 elements: weights 6 and 2, normalized 0.75 and 0.25
        float[] base = {0.5f, -1, 2, 0, 1, 3};
        float[][] tvs = {
                {1, -1, 5, 2, 1, -2},
                {-1, 1, 0, 0, 3, 1}};
        // j0, j1: the sum is 0, which elects +, so only the positive entry counts (1 either way)
        // j2, j3: one model moved; j4: both agree, 0.75·1 + 0.25·3 = 1.5;
        // j5: the sum −1 elects −, so tv0 alone: −2
        assertArrayEquals(new float[] {1.5f, 0, 7, 2, 2.5f, 1}, merge(base, tvs, 1.0));
    }

    @Test
    void selectTopkKeepsExactlyKByVarianceWithTiesToTheLowestIndex() {
        float[] base = {1, 1, 1, 1, 1, 1};
        // variances over the two models: 1, 1, 0, 1, 0, 4, so four are nonzero
        float[][] tvs = {
                {2, 0, 5, 1, 0, 2},
                {0, 2, 5, -1, 0, -2}};
        // everything kept: j2 both agree on 5; j3 and j5 sum to 0, which elects +
        assertArrayEquals(new float[] {3, 3, 6, 2, 1, 3}, merge(base, tvs, 1.0));
        // k = 3: j5 (variance 4), then j0 and j1 win the three-way tie at variance 1 over j3;
        // j2 moved in both models by the same amount, so its variance is 0 and it is never selected
        assertArrayEquals(new float[] {3, 3, 1, 1, 1, 3}, merge(base, tvs, 0.75));
        // k = 2: j5 and j0; the weights become 8/12 and 4/12, which leaves lone entries unchanged
        assertArrayEquals(new float[] {3, 1, 1, 1, 1, 3}, merge(base, tvs, 0.5));
        // k = int(4 · 0.3) = 1
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 3}, merge(base, tvs, 0.3));
        // k = int(4 · 0.2) = 0: nothing is kept
        assertArrayEquals(base, merge(base, tvs, 0.2));
    }

    @Test
    void selectTopkZeroOrNegativeReturnsTheBase() {
        float[] base = {0.25f, -3, 7};
        float[][] tvs = {{1, 2, 3}, {-4, 5, 6}};
        assertArrayEquals(base, merge(base, tvs, 0.0));
        assertArrayEquals(base, merge(base, tvs, -0.5));
    }

    @Test
    void unchangedModelsShareTheWeightEquallyAndLeaveTheBase() {
        float[] base = {1, -2};
        assertArrayEquals(base, merge(base, new float[][] {{0, 0}, {0, 0}}, 1.0));
    }

    @Test
    void withoutOtherModelsTheResultIsTheBase() {
        assertNull(new Sce().checkInputs(0, true));
        float[] base = {1, 2};
        assertArrayEquals(base, merge(base, new float[0][], 0.5));
    }

    @Test
    void selectionAcrossChunksAgreesWithASortedFloat64Reference() {
        // Integer task vectors on a base of multiples of 1/1024 keep every value exact, and two models make the
        // variance ((d0 − d1)/2)² exact in binary32 too, so the many ties at the boundary must be broken by index
        // exactly as the reference does, across the 65,536-element chunks of the selection.
        int n = 140_000;
        SplittableRandom rnd = new SplittableRandom(11);
        float[] base = new float[n];
        float[][] tvs = new float[2][n];
        for (int j = 0; j < n; j++) {
            base[j] = rnd.nextInt(-2048, 2049) / 1024f;
            tvs[0][j] = rnd.nextInt(-3, 4);
            tvs[1][j] = rnd.nextInt(-3, 4);
        }
        double topk = 0.37;
        float[] r = merge(base, tvs, topk);
        double[] expected = reference(base, tvs, topk);
        for (int j = 0; j < n; j++) {
            assertEquals(expected[j], r[j], 1e-6 * (1 + Math.abs(expected[j])), "element " + j);
        }
    }

    @Test
    void threeModelsAgreeWithAFloat64Reference() {
        int n = 3000;
        SplittableRandom rnd = new SplittableRandom(5);
        float[] base = new float[n];
        float[][] tvs = new float[3][n];
        for (int j = 0; j < n; j++) {
            base[j] = (float) rnd.nextGaussian();
            for (int m = 0; m < 3; m++) {
                tvs[m][j] = (float) ((m + 1) * 0.1 * rnd.nextGaussian());
            }
        }
        for (double topk : new double[] {1.0, 0.25}) {
            float[] r = merge(base, tvs, topk);
            double[] expected = reference(base, tvs, topk);
            for (int j = 0; j < n; j++) {
                assertEquals(expected[j], r[j], 1e-5 * (1 + Math.abs(expected[j])), "select_topk " + topk
                        + ", element " + j);
            }
        }
    }

    /** SCE in float64 from the spec: sort by variance (descending, then index), weights, sign election. */
    private static double[] reference(float[] base, float[][] tvs, double topk) {
        int n = base.length;
        int models = tvs.length;
        double[][] d = new double[models][n];
        for (int m = 0; m < models; m++) {
            for (int j = 0; j < n; j++) {
                // the task vector as the method sees it: the stored x minus the base
                d[m][j] = (double) (base[j] + tvs[m][j]) - base[j];
            }
        }
        if (topk < 1) {
            double[] var = new double[n];
            for (int j = 0; j < n; j++) {
                double mean = 0;
                for (int m = 0; m < models; m++) {
                    mean += d[m][j] / models;
                }
                for (int m = 0; m < models; m++) {
                    var[j] += (d[m][j] - mean) * (d[m][j] - mean) / models;
                }
            }
            long nonzero = Arrays.stream(var).filter(v -> v != 0).count();
            int k = (int) (nonzero * topk);
            boolean[] keep = new boolean[n];
            IntStream.range(0, n).boxed()
                    .sorted(Comparator.<Integer>comparingDouble(j -> -var[j]).thenComparingInt(j -> j))
                    .limit(k).forEach(j -> keep[j] = true);
            for (double[] dm : d) {
                for (int j = 0; j < n; j++) {
                    dm[j] = keep[j] ? dm[j] : 0;
                }
            }
        }
        double[] w = new double[models];
        double total = 0;
        for (int m = 0; m < models; m++) {
            for (int j = 0; j < n; j++) {
                w[m] += d[m][j] * d[m][j] / n;
            }
            total += w[m];
        }
        double[] r = new double[n];
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int m = 0; m < models; m++) {
                s += d[m][j];
            }
            double num = 0;
            double den = 0;
            for (int m = 0; m < models; m++) {
                if (s >= 0 ? d[m][j] > 0 : d[m][j] < 0) {
                    double wm = Math.abs(total) < 1e-6 ? 1.0 / models : w[m] / total;
                    num += d[m][j] * wm;
                    den += wm;
                }
            }
            r[j] = base[j] + num / Math.max(den, 1e-6);
        }
        return r;
    }
}
