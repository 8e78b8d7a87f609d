package dev.crucible.method;

import dev.crucible.io.DType;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArceeFusionTest {

    private static MethodHarness harness(float[] base, float[] x) {
        return new MethodHarness()
                .baseInput("base", DType.F32, base, Map.of(), true)
                .input("x", DType.F32, x, Map.of());
    }

    @Test
    void onlyTheOutlierChangeIsTaken() {
        // one row: imp_j = |x_j − a_j|·kl with |x − a| = (3, 100, 1, 4, 2); sorted (1, 2, 3, 4, 100)·kl gives
        // q(0.25) = 2kl, q(0.5) = 3kl, q(0.75) = 4kl, so the threshold 3kl + 1.5·2kl = 6kl passes only the 100
        float[] base = {1, -1, 2, 0.5f, 0};
        float[] x = {4, 99, 1, 4.5f, 2};
        assertArrayEquals(new float[] {1, 99, 2, 0.5f, 0}, harness(base, x).merge(new ArceeFusion(), Map.of()));
    }

    @Test
    void mostlyZeroImportanceMakesTheThresholdZeroAndTakesEverything() {
        // row 0 is shifted by a constant: same softmax, KL 0, importance 0; row 1 changes one element. Seven of the
        // eight importances are 0, so all quartiles are 0, and imp ≥ 0 holds everywhere: the result is x.
        float[] base = {0, 1, 2, 3, 0, 0, 0, 0};
        float[] x = {1, 2, 3, 4, 0, 0, 0, 5};
        assertArrayEquals(x, harness(base, x).shape(2, 4).merge(new ArceeFusion(), Map.of()));
    }

    /**
     * Against the algorithm of merge-methods.md §3.11 in float64 with exact quantiles. The engine rounds the
     * importance to binary32 and computes the threshold in binary32, so an element may only be decided differently
     * when its importance is within 1e-5 (relative) of the threshold; this data has none. Taken elements are
     * {@code a + (x − a)} in binary32, within 1 ulp of {@code x}.
     */
    @Test
    void agreesWithAFloat64ImplementationWithExactQuantiles() {
        int rows = 12;
        int cols = 16;
        int n = rows * cols;
        SplittableRandom rnd = new SplittableRandom(21);
        float[] base = new float[n];
        float[] x = new float[n];
        for (int row = 0; row < rows; row++) {
            double scale = 0.05 * (1 + row % 5);
            for (int col = 0; col < cols; col++) {
                int j = row * cols + col;
                base[j] = (float) rnd.nextGaussian();
                x[j] = (float) (base[j] + scale * rnd.nextGaussian());
            }
        }
        float[] r = harness(base, x).shape(rows, cols).merge(new ArceeFusion(), Map.of());

        double[] imp = importance(base, x, rows, cols);
        double[] sorted = imp.clone();
        Arrays.sort(sorted);
        double threshold = quantile(sorted, 0.5) + 1.5 * (quantile(sorted, 0.75) - quantile(sorted, 0.25));
        int taken = 0;
        for (int j = 0; j < n; j++) {
            assertTrue(Math.abs(imp[j] - threshold) > 1e-5 * threshold, "element " + j + " is on the threshold");
            boolean take = imp[j] >= threshold;
            taken += take ? 1 : 0;
            float expected = take ? x[j] : base[j];
            assertEquals(expected, r[j], Math.ulp(Math.max(Math.abs(x[j]), Math.abs(base[j]))), "element " + j);
        }
        assertTrue(taken > 0 && taken < n / 4, "an outlier minority should be taken, got " + taken);
    }

    /** Per row: p = softmax(x) + 1e-8, q = softmax(a) + 1e-8, kl = Σ p·log(p/q); imp = |x − a|·kl. */
    private static double[] importance(float[] a, float[] x, int rows, int cols) {
        double[] imp = new double[a.length];
        for (int row = 0; row < rows; row++) {
            double[] p = softmax(x, row * cols, cols);
            double[] q = softmax(a, row * cols, cols);
            double kl = 0;
            for (int i = 0; i < cols; i++) {
                kl += (p[i] + 1e-8) * Math.log((p[i] + 1e-8) / (q[i] + 1e-8));
            }
            for (int i = 0; i < cols; i++) {
                int j = row * cols + i;
                imp[j] = Math.abs((double) x[j] - a[j]) * kl;
            }
        }
        return imp;
    }

    private static double[] softmax(float[] v, int start, int len) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < len; i++) {
            max = Math.max(max, v[start + i]);
        }
        double[] e = new double[len];
        double sum = 0;
        for (int i = 0; i < len; i++) {
            e[i] = Math.exp(v[start + i] - max);
            sum += e[i];
        }
        for (int i = 0; i < len; i++) {
            e[i] /= sum;
        }
        return e;
    }

    private static double quantile(double[] sorted, double v) {
        return sorted[(int) (v * (sorted.length - 1))];
    }

    @Test
    void takesTheBaseAndExactlyOneOtherModel() {
        ArceeFusion method = new ArceeFusion();
        assertNull(method.checkInputs(0, true));
        assertNull(method.checkInputs(1, true));
        assertTrue(method.checkInputs(2, true).startsWith("ArceeFusion merge expects exactly two models"));

        float[] base = {2, -3};
        assertArrayEquals(base, new MethodHarness().baseInput("base", DType.F32, base, Map.of(), true)
                .merge(method, Map.of()));
    }

    @Test
    void anEmptyTensorIsTheBase() {
        float[] empty = {};
        assertArrayEquals(empty, harness(empty, empty).shape(0, 4).merge(new ArceeFusion(), Map.of()));
    }
}
