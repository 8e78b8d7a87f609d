package dev.crucible.method;

import dev.crucible.CrucibleException;
import dev.crucible.io.DType;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelStockTest {
    private static final Map<String, Double> PER_TENSOR = Map.of("filter_wise", 0.0);
    private static final Map<String, Double> PER_ROW = Map.of("filter_wise", 1.0);

    @Test
    void twoModelsAtCosine0_6MoveThreeQuartersOfTheWayToTheirAverage() {
        // offsets (5, 0) and (3, 4): cos θ = 15 / (5·5) = 0.6, so t = 2·0.6 / (1 + 0.6) = 0.75
        double cos = 15.0 / 25.0;
        assertEquals(0.75f, (float) (2 * cos / (1 + cos)));
        float[] r = harness(new float[] {1, 1}, new float[] {6, 1}, new float[] {4, 5})
                .merge(new ModelStock(), PER_TENSOR);
        // average (5, 3); r = 0.75·average + 0.25·base
        assertArrayEquals(new float[] {4f, 2.5f}, r);
    }

    @Test
    void filterWiseTakesOneRatioPerRow() {
        // row 0: offsets (5, 0), (3, 4), t = 0.75 as above; row 1: orthogonal offsets (1, 0), (0, 1), t = 0 → base
        float[] base = {1, 1, 2, -1};
        float[] a = {6, 1, 3, -1};
        float[] b = {4, 5, 2, 0};
        float[] rows = harness(base, a, b).shape(2, 2).merge(new ModelStock(), PER_ROW);
        assertArrayEquals(new float[] {4f, 2.5f, 2f, -1f}, rows);

        // per tensor, one angle over both rows: cos θ = 15/26, the same t everywhere
        float[] whole = harness(base, a, b).shape(2, 2).merge(new ModelStock(), PER_TENSOR);
        double cos = 15.0 / 26.0;
        double t = 2 * cos / (1 + cos);
        for (int j = 0; j < 4; j++) {
            double expected = t * (a[j] + b[j]) / 2 + (1 - t) * base[j];
            assertEquals(expected, whole[j], 1e-6, "element " + j);
        }
        assertNotEquals(base[2], whole[2]);
    }

    @Test
    void filterWiseTreatsAVectorAsOneRow() {
        float[] base = {0.5f, -1, 2};
        float[] a = {1, 0, 2.5f};
        float[] b = {0, 1, 3};
        assertArrayEquals(harness(base, a, b).merge(new ModelStock(), PER_TENSOR),
                harness(base, a, b).merge(new ModelStock(), PER_ROW));
    }

    @Test
    void threeModelsAgreeWithAFloat64ComputationPerTensorAndPerRow() {
        int rows = 5;
        int cols = 32;
        int n = rows * cols;
        SplittableRandom rnd = new SplittableRandom(7);
        float[] base = new float[n];
        float[][] xs = new float[3][n];
        for (int j = 0; j < n; j++) {
            base[j] = (float) rnd.nextGaussian();
            // a shared direction plus noise, so the offsets are correlated and t is far from 0
            double common = rnd.nextGaussian();
            for (float[] x : xs) {
                x[j] = (float) (base[j] + common + 0.6 * rnd.nextGaussian());
            }
        }
        for (boolean filterWise : new boolean[] {false, true}) {
            float[] r = new MethodHarness()
                    .baseInput("base", DType.F32, base, Map.of(), true)
                    .input("x0", DType.F32, xs[0], Map.of())
                    .input("x1", DType.F32, xs[1], Map.of())
                    .input("x2", DType.F32, xs[2], Map.of())
                    .shape(rows, cols)
                    .merge(new ModelStock(), filterWise ? PER_ROW : PER_TENSOR);
            int fibre = filterWise ? cols : n;
            for (int start = 0; start < n; start += fibre) {
                double t = expectedRatio(base, xs, start, fibre);
                for (int j = start; j < start + fibre; j++) {
                    double avg = ((double) xs[0][j] + xs[1][j] + xs[2][j]) / 3;
                    double expected = t * avg + (1 - t) * base[j];
                    assertEquals(expected, r[j], 2e-6 * (Math.abs(avg) + Math.abs(base[j]) + 1),
                            "filter_wise " + filterWise + ", element " + j);
                }
            }
        }
    }

    /** t from the mean pairwise cosine of the offsets over {@code [start, start + len)}, in float64. */
    private static double expectedRatio(float[] base, float[][] xs, int start, int len) {
        int models = xs.length;
        double sum = 0;
        int pairs = 0;
        for (int i = 0; i < models; i++) {
            for (int k = i + 1; k < models; k++) {
                double dot = 0;
                double ni = 0;
                double nk = 0;
                for (int j = start; j < start + len; j++) {
                    double oi = (double) xs[i][j] - base[j];
                    double ok = (double) xs[k][j] - base[j];
                    dot += oi * ok;
                    ni += oi * oi;
                    nk += ok * ok;
                }
                sum += Math.max(-1, Math.min(1, dot / Math.max(Math.sqrt(ni) * Math.sqrt(nk), 1e-6)));
                pairs++;
            }
        }
        double cos = sum / pairs;
        assertTrue(cos > 0.3, "the test data should give correlated offsets");
        return models * cos / (1 + (models - 1) * cos);
    }

    @Test
    void antiparallelOffsetsOfTwoModelsAreAnErrorNamingTheTensor() {
        // offsets (3, 4) and (−3, −4): cos θ = −1, so 1 + (N − 1)·cos θ = 0
        CrucibleException e = assertThrows(CrucibleException.class,
                () -> harness(new float[] {1, 1}, new float[] {4, 5}, new float[] {-2, -3})
                        .merge(new ModelStock(), PER_TENSOR));
        assertTrue(e.getMessage().startsWith("t: model_stock: the offsets from the base point in opposite"),
                e.getMessage());
    }

    @Test
    void antiparallelRowUnderFilterWiseNamesTheRow() {
        CrucibleException e = assertThrows(CrucibleException.class,
                () -> harness(new float[] {0, 0, 0, 0}, new float[] {1, 2, 3, 4}, new float[] {2, 1, -3, -4})
                        .shape(2, 2).merge(new ModelStock(), PER_ROW));
        assertTrue(e.getMessage().contains("in row 1"), e.getMessage());
    }

    @Test
    void needsTwoModelsBesidesTheBaseOrNone() {
        ModelStock method = new ModelStock();
        assertNull(method.checkInputs(0, true));
        assertNull(method.checkInputs(2, true));
        assertTrue(method.checkInputs(1, true).contains("at least two models besides the base"));

        float[] base = {1.5f, -2};
        assertArrayEquals(base, new MethodHarness().baseInput("base", DType.F32, base, Map.of(), true)
                .merge(method, PER_TENSOR));
        assertThrows(CrucibleException.class, () -> new MethodHarness()
                .baseInput("base", DType.F32, base, Map.of(), true)
                .input("a", DType.F32, new float[] {1, 1}, Map.of())
                .merge(method, PER_TENSOR));
    }

    private static MethodHarness harness(float[] base, float[] a, float[] b) {
        return new MethodHarness()
                .baseInput("base", DType.F32, base, Map.of(), true)
                .input("a", DType.F32, a, Map.of())
                .input("b", DType.F32, b, Map.of());
    }
}
