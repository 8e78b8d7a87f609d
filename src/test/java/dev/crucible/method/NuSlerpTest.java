package dev.crucible.method;

import dev.crucible.io.DType;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NuSlerpTest {
    private static final Map<String, Double> FLATTEN = Map.of();
    private static final Map<String, Double> ROWS = Map.of("nuslerp_flatten", 0.0);
    private static final Map<String, Double> COLUMNS = Map.of("nuslerp_flatten", 0.0, "nuslerp_row_wise", 1.0);
    private static final double S = Math.sin(Math.PI / 4);

    // 2×3 matrices: rows (1,0,0)/(0,1,0) are orthogonal, rows (0,2,0)/(0,2,0) equal
    private static final float[] M0 = {1, 0, 0, 0, 2, 0};
    private static final float[] M1 = {0, 1, 0, 0, 2, 0};

    private static float[] nuslerp(float[] x0, double w0, float[] x1, double w1, Map<String, Double> layout,
                                   long... shape) {
        return new MethodHarness()
                .input("m0", DType.F32, x0, Map.of("weight", w0))
                .input("m1", DType.F32, x1, Map.of("weight", w1))
                .shape(shape.length == 0 ? new long[] {x0.length} : shape)
                .merge(new NuSlerp(), layout);
    }

    /** mergekit's nuslerp of one vector pair in float64: norms floored at 1e-7, clamp, |sin θ| < 1e-8 → lerp. */
    private static double[] nuslerp64(double t, double[] v0, double[] v1) {
        double n0 = Math.max(Math.sqrt(dot(v0, v0)), 1e-7);
        double n1 = Math.max(Math.sqrt(dot(v1, v1)), 1e-7);
        double theta = Math.acos(Math.max(-1, Math.min(1, dot(v0, v1) / n0 / n1)));
        double s = Math.sin(theta);
        double[] r = new double[v0.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = Math.abs(s) < 1e-8 ? (1 - t) * v0[i] + t * v1[i]
                    : (Math.sin((1 - t) * theta) * v0[i] + Math.sin(t * theta) * v1[i]) / s;
        }
        return r;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double[] pick(float[] m, int from, int stride, int count) {
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = m[from + i * stride];
        }
        return v;
    }

    @Test
    void weightsGiveT() {
        // t = 3/(1 + 3) = 0.75 on orthogonal unit vectors: (sin(π/8), sin(3π/8))
        float[] r = nuslerp(new float[] {1, 0}, 1, new float[] {0, 1}, 3, FLATTEN);
        assertEquals(Math.sin(Math.PI / 8), r[0], 1e-7);
        assertEquals(Math.sin(3 * Math.PI / 8), r[1], 1e-7);
    }

    @Test
    void weightsThatCancelGiveTOneHalf() {
        float[] r = nuslerp(new float[] {1, 0}, 1, new float[] {0, 1}, -1, FLATTEN);
        assertArrayEquals(new float[] {(float) S, (float) S}, r);
    }

    @Test
    void isSymmetricInItsTwoModels() {
        SplittableRandom rnd = new SplittableRandom(5);
        float[] a = new float[256];
        float[] b = new float[256];
        for (int j = 0; j < a.length; j++) {
            a[j] = (float) rnd.nextGaussian();
            b[j] = (float) (0.5 * a[j] + rnd.nextGaussian());
        }
        for (Map<String, Double> layout : List.of(FLATTEN, ROWS, COLUMNS)) {
            float[] ab = nuslerp(a, 0.3, b, 0.7, layout, 16, 16);
            float[] ba = nuslerp(b, 0.7, a, 0.3, layout, 16, 16);
            for (int j = 0; j < a.length; j++) {
                assertEquals(ab[j], ba[j], Math.ulp(ab[j]), "element " + j + " of " + layout);
            }
        }
    }

    @Test
    void lastDimLayoutSlerpsEachRow() {
        float[] r = nuslerp(M0, 1, M1, 1, ROWS, 2, 3);
        // row 0 orthogonal: sin(π/4)·(1,0,0) + sin(π/4)·(0,1,0); row 1 colinear (sin θ = 0): lerp of equal rows
        assertArrayEquals(new float[] {(float) S, (float) S, 0, 0, 2, 0}, r);
    }

    @Test
    void rowWiseLayoutSlerpsEachColumn() {
        float[] r = nuslerp(M0, 1, M1, 1, COLUMNS, 2, 3);
        // column 0: (1,0) and the zero vector (norm floored, c = 0, θ = π/2): sin(π/4)·(1,0)
        assertEquals((float) S, r[0]);
        assertEquals(0f, r[3]);
        // column 1: (0,2) and (1,2), cos θ = 4/(2·√5)
        double[] col1 = nuslerp64(0.5, new double[] {0, 2}, new double[] {1, 2});
        assertEquals(col1[0], r[1], 1e-6);
        assertEquals(col1[1], r[4], 1e-6);
        // column 2: both zero
        assertEquals(0f, r[2]);
        assertEquals(0f, r[5]);
    }

    @Test
    void flattenTreatsTheWholeMatrixAsOneVectorAndOverridesRowWise() {
        // cos θ = 4/(√5·√5) = 0.8
        double[] expected = nuslerp64(0.5, pick(M0, 0, 1, 6), pick(M1, 0, 1, 6));
        Map<String, Double> both = Map.of("nuslerp_flatten", 1.0, "nuslerp_row_wise", 1.0);
        for (Map<String, Double> layout : List.of(FLATTEN, both)) {
            float[] r = nuslerp(M0, 1, M1, 1, layout, 2, 3);
            for (int j = 0; j < 6; j++) {
                assertEquals(expected[j], r[j], 1e-6, "element " + j + " of " + layout);
            }
        }
    }

    @Test
    void aOneDimensionalTensorIsOneVectorInEveryLayout() {
        float[] a = {1, 2, -1, 0.5f};
        float[] b = {-0.5f, 1, 2, 1};
        float[] flat = nuslerp(a, 2, b, 1, FLATTEN);
        assertArrayEquals(flat, nuslerp(a, 2, b, 1, ROWS));
        assertArrayEquals(flat, nuslerp(a, 2, b, 1, COLUMNS));
    }

    @Test
    void perFibreCoefficientsMatchAFloat64NuslerpOfEveryRowAndColumn() {
        int rows = 5;
        int cols = 7;
        SplittableRandom rnd = new SplittableRandom(9);
        float[] a = new float[rows * cols];
        float[] b = new float[rows * cols];
        for (int j = 0; j < a.length; j++) {
            a[j] = (float) rnd.nextGaussian();
            b[j] = (float) rnd.nextGaussian();
        }
        double t = 0.8 / (0.45 + 0.8);
        float[] byRow = nuslerp(a, 0.45, b, 0.8, ROWS, rows, cols);
        for (int i = 0; i < rows; i++) {
            double[] e = nuslerp64(t, pick(a, i * cols, 1, cols), pick(b, i * cols, 1, cols));
            for (int k = 0; k < cols; k++) {
                assertEquals(e[k], byRow[i * cols + k], 2e-6, "row " + i + ", column " + k);
            }
        }
        float[] byColumn = nuslerp(a, 0.45, b, 0.8, COLUMNS, rows, cols);
        for (int k = 0; k < cols; k++) {
            double[] e = nuslerp64(t, pick(a, k, cols, rows), pick(b, k, cols, rows));
            for (int i = 0; i < rows; i++) {
                assertEquals(e[i], byColumn[i * cols + k], 2e-6, "row " + i + ", column " + k);
            }
        }
    }

    @Test
    void withABaseItSlerpsTheTaskVectors() {
        // δ0 = (1,0,0) and δ1 = (0,1,0) are orthogonal: r = b + sin(π/4)·δ0 + sin(π/4)·δ1
        float[] r = new MethodHarness()
                .baseInput("base", DType.F32, new float[] {10, 20, 30}, Map.of(), true)
                .input("m0", DType.F32, new float[] {11, 20, 30}, Map.of("weight", 1.0))
                .input("m1", DType.F32, new float[] {10, 21, 30}, Map.of("weight", 1.0))
                .merge(new NuSlerp(), FLATTEN);
        assertArrayEquals(new float[] {10f + (float) S, 20f + (float) S, 30f}, r);
    }

    @Test
    void colinearVectorsAreInterpolatedLinearly() {
        // norms 5 and 10 and dot 50 are exact, so cos θ = 1, sin θ = 0: (1 − t)·v0 + t·v1 with t = 0.75
        assertArrayEquals(new float[] {5.25f, 7f}, nuslerp(new float[] {3, 4}, 1, new float[] {6, 8}, 3, FLATTEN));
    }

    @Test
    void oneInputInTotalIsPassedThrough() {
        float[] single = new MethodHarness()
                .input("m0", DType.BF16, new float[] {1, -2}, Map.of("weight", 1.0))
                .merge(new NuSlerp(), FLATTEN);
        assertArrayEquals(new float[] {1, -2}, single);
        float[] baseOnly = new MethodHarness()
                .baseInput("base", DType.BF16, new float[] {3, 4}, Map.of(), true)
                .merge(new NuSlerp(), FLATTEN);
        assertArrayEquals(new float[] {3, 4}, baseOnly);
    }

    @Test
    void checkInputsWantsExactlyTwoModelsBesidesTheBase() {
        NuSlerp nuslerp = new NuSlerp();
        assertNull(nuslerp.checkInputs(2, false));
        assertNull(nuslerp.checkInputs(2, true));
        assertNull(nuslerp.checkInputs(1, false));
        assertNull(nuslerp.checkInputs(0, true));
        assertTrue(nuslerp.checkInputs(1, true)
                .startsWith("NuSlerp base model can not be one of the two models to merge"));
        for (int[] bad : new int[][] {{3, 0}, {3, 1}, {0, 0}}) {
            assertTrue(nuslerp.checkInputs(bad[0], bad[1] == 1)
                    .startsWith("NuSlerp merge expects exactly two models (plus optional base model)"));
        }
    }

    @Test
    void describesItselfAsMergekitDoes() {
        MethodInfo info = new NuSlerp().info();
        assertEquals("nuslerp", info.name());
        assertEquals("NuSLERP", info.prettyName());
        assertNull(info.referenceUrl());
        assertEquals(MethodInfo.BaseUse.OPTIONAL, info.baseUse());
        Map<String, String> defaults = new HashMap<>();
        info.parameters().forEach(p -> defaults.put(p.name(), p.defaultText()));
        assertEquals(Map.of("weight", "required", "nuslerp_row_wise", "false", "nuslerp_flatten", "true"), defaults);
        assertTrue(info.parameter("weight").orElseThrow().perModel());
    }
}
