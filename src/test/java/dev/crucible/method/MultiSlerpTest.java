package dev.crucible.method;

import dev.crucible.CrucibleException;
import dev.crucible.io.DType;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultiSlerpTest {
    private static final double EPS = 1e-8;

    private static MethodHarness models(float[][] xs, double[] weights) {
        MethodHarness h = new MethodHarness();
        for (int m = 0; m < xs.length; m++) {
            h.input("m" + m, DType.F32, xs[m], Map.of("weight", weights[m]));
        }
        return h;
    }

    /**
     * mergekit's multislerp in float64, step by step: unit vectors, weighted mean, tangent projection, exponential
     * map, scale by the weighted mean norm. {@code X} are the (task) vectors, {@code w} the normalized weights.
     */
    private static double[] mergekit64(double[][] x, double[] w) {
        int len = x[0].length;
        double[] norms = new double[x.length];
        double[][] u = new double[x.length][len];
        double[] mean = new double[len];
        for (int m = 0; m < x.length; m++) {
            norms[m] = Math.sqrt(dot(x[m], x[m]));
            for (int j = 0; j < len; j++) {
                u[m][j] = x[m][j] / (norms[m] + EPS);
                mean[j] += w[m] * u[m][j];
            }
        }
        double meanNorm = Math.sqrt(dot(mean, mean));
        double[] tangent = new double[len];
        for (int j = 0; j < len; j++) {
            mean[j] /= meanNorm;
        }
        for (int m = 0; m < x.length; m++) {
            double d = dot(u[m], mean);
            for (int j = 0; j < len; j++) {
                tangent[j] += w[m] * (u[m][j] - d * mean[j]);
            }
        }
        double tau = Math.sqrt(dot(tangent, tangent)) + EPS;
        double avgNorm = 0;
        for (int m = 0; m < x.length; m++) {
            avgNorm += norms[m] * w[m];
        }
        double[] r = new double[len];
        for (int j = 0; j < len; j++) {
            r[j] = (mean[j] * Math.cos(tau) + tangent[j] * (Math.sin(tau) / tau)) * avgNorm;
        }
        return r;
    }

    /** The closed form of merge-methods.md §3.4: {@code (Σ w n)·m_raw/‖m_raw‖}. */
    private static double[] closedForm64(double[][] x, double[] w) {
        int len = x[0].length;
        double[] raw = new double[len];
        double avgNorm = 0;
        for (int m = 0; m < x.length; m++) {
            double n = Math.sqrt(dot(x[m], x[m]));
            avgNorm += w[m] * n;
            for (int j = 0; j < len; j++) {
                raw[j] += w[m] * x[m][j] / (n + EPS);
            }
        }
        double rawNorm = Math.sqrt(dot(raw, raw));
        double[] r = new double[len];
        for (int j = 0; j < len; j++) {
            r[j] = avgNorm * raw[j] / rawNorm;
        }
        return r;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    private static double[][] gaussians(long seed, int models, int len) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] x = new double[models][len];
        for (int m = 0; m < models; m++) {
            for (int j = 0; j < len; j++) {
                x[m][j] = (float) (rnd.nextGaussian() + (m == 0 ? 0.5 : 0));
            }
        }
        return x;
    }

    private static float[] floats(double[] v) {
        float[] f = new float[v.length];
        for (int j = 0; j < v.length; j++) {
            f[j] = (float) v[j];
        }
        return f;
    }

    @Test
    void twoOrthogonalModelsGiveTheNormalizedMidpointAtTheMeanNorm() {
        // U = (1,0), (0,1); μ = (1,1)/√2; Σ w·n = (2 + 4)/2 = 3
        float[] r = models(new float[][] {{2, 0}, {0, 4}}, new double[] {1, 1})
                .merge(new MultiSlerp(), Map.of());
        assertEquals(3 / Math.sqrt(2), r[0], 1e-6);
        assertEquals(3 / Math.sqrt(2), r[1], 1e-6);
    }

    @Test
    void withoutNormalizeWeightsTheWeightsScaleTheLength() {
        // w = (1, 1) unnormalized: Σ w·n = 6, direction unchanged
        float[] r = models(new float[][] {{2, 0}, {0, 4}}, new double[] {1, 1})
                .merge(new MultiSlerp(), Map.of("normalize_weights", 0.0));
        assertEquals(6 / Math.sqrt(2), r[0], 2e-6);
        assertEquals(6 / Math.sqrt(2), r[1], 2e-6);
    }

    @Test
    void equalsMergekitsTangentSpaceAlgorithmAndItsClosedForm() {
        double[][] x = gaussians(11, 3, 300);
        double[] weights = {0.2, 0.5, 0.3};
        float[] r = models(new float[][] {floats(x[0]), floats(x[1]), floats(x[2])}, new double[] {2, 5, 3})
                .merge(new MultiSlerp(), Map.of());
        double[] mergekit = mergekit64(x, weights);
        double[] closed = closedForm64(x, weights);
        for (int j = 0; j < r.length; j++) {
            assertEquals(closed[j], mergekit[j], 1e-12 * (1 + Math.abs(closed[j])), "closed form, element " + j);
            assertEquals(closed[j], r[j], 4 * Math.ulp((float) closed[j]) + 1e-7, "element " + j);
        }
    }

    @Test
    void withABaseItWorksOnTaskVectorsAndAddsTheBaseBack() {
        double[][] x = gaussians(12, 3, 64);
        double[] base = gaussians(13, 1, 64)[0];
        float[][] models = new float[3][64];
        double[][] deltas = new double[3][64];
        for (int m = 0; m < 3; m++) {
            for (int j = 0; j < 64; j++) {
                models[m][j] = (float) (base[j] + x[m][j]);
                deltas[m][j] = (double) models[m][j] - (float) base[j];
            }
        }
        float[] r = models(models, new double[] {1, 1, 2})
                .baseInput("base", DType.F32, floats(base), Map.of(), true)
                .merge(new MultiSlerp(), Map.of());
        double[] closed = closedForm64(deltas, new double[] {0.25, 0.25, 0.5});
        for (int j = 0; j < r.length; j++) {
            double expected = (float) base[j] + closed[j];
            assertEquals(expected, r[j], 4 * Math.ulp((float) Math.abs(expected)) + 1e-6, "element " + j);
        }
    }

    @Test
    void twoAntipodalModelsFallBackToTheLinearBlend() {
        // x1 = −x0: m_raw = 0 exactly, and the fallback gives ½·x0 + ½·x1 = 0 rather than 0/0
        float[] exact = models(new float[][] {{1, 2}, {-1, -2}}, new double[] {1, 1}).merge(new MultiSlerp(), Map.of());
        assertArrayEquals(new float[] {0, 0}, exact);
        // x1 = −2·x0: U_1 = −U_0 up to eps, ‖m_raw‖ ≈ eps/9 < eps (eps = 1e-4 keeps that far above the binary64
        // noise of the Gram form), so r = ½·x0 + ½·x1 on the unnormalized tensors
        float[] r = models(new float[][] {{1, 2}, {-2, -4}}, new double[] {1, 1})
                .merge(new MultiSlerp(), Map.of("eps", 1e-4));
        assertArrayEquals(new float[] {-0.5f, -1f}, r);
    }

    @Test
    void moreThanTwoModelsWithAVanishingWeightedSumAreAnError() {
        CrucibleException e = assertThrows(CrucibleException.class,
                () -> models(new float[][] {{1, 0}, {-1, 0}, {0, 1}}, new double[] {1, 1, 0})
                        .merge(new MultiSlerp(), Map.of()));
        assertTrue(e.getMessage().startsWith("t: multislerp: the weighted sum of the input tensors is zero"),
                e.getMessage());
    }

    @Test
    void weightsSummingToZeroWithNormalizeWeightsAreAnError() {
        CrucibleException e = assertThrows(CrucibleException.class,
                () -> models(new float[][] {{1, 0}, {0, 1}}, new double[] {1, -1}).merge(new MultiSlerp(), Map.of()));
        assertTrue(e.getMessage().startsWith("t: multislerp: the weights sum to zero"), e.getMessage());
    }

    @Test
    void aSingleModelIsPassedThroughAndTheBaseIgnored() {
        float[] r = new MethodHarness()
                .baseInput("base", DType.BF16, new float[] {100, 100}, Map.of(), true)
                .input("m0", DType.BF16, new float[] {1.5f, -3}, Map.of("weight", 0.25))
                .merge(new MultiSlerp(), Map.of());
        assertArrayEquals(new float[] {1.5f, -3}, r);
        float[] baseOnly = new MethodHarness()
                .baseInput("base", DType.BF16, new float[] {7, 8}, Map.of(), true)
                .merge(new MultiSlerp(), Map.of());
        assertArrayEquals(new float[] {7, 8}, baseOnly);
    }

    @Test
    void checkInputsWantsAtLeastOneModelOrTheBase() {
        MultiSlerp multislerp = new MultiSlerp();
        assertNull(multislerp.checkInputs(1, false));
        assertNull(multislerp.checkInputs(5, true));
        assertNull(multislerp.checkInputs(0, true));
        assertEquals("multislerp needs at least one model", multislerp.checkInputs(0, false));
    }

    @Test
    void describesItselfAsMergekitDoes() {
        MethodInfo info = new MultiSlerp().info();
        assertEquals("multislerp", info.name());
        assertEquals("Multi-SLERP", info.prettyName());
        assertEquals("https://goddard.blog/posts/multislerp-wow-what-a-cool-idea", info.referenceUrl());
        assertEquals(MethodInfo.BaseUse.OPTIONAL, info.baseUse());
        assertEquals(1e-8, info.parameter("eps").orElseThrow().defaultValue());
        assertEquals(1.0, info.parameter("normalize_weights").orElseThrow().defaultValue());
        assertTrue(info.parameter("weight").orElseThrow().required());
    }
}
