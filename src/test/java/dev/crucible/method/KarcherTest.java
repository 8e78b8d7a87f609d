package dev.crucible.method;

import dev.crucible.io.DType;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KarcherTest {
    private static final Map<String, Double> DEFAULTS = Map.of();

    private static float[] karcher(Map<String, Double> global, float[]... xs) {
        MethodHarness h = new MethodHarness();
        for (int m = 0; m < xs.length; m++) {
            h.input("m" + m, DType.F32, xs[m], Map.of());
        }
        return h.merge(new Karcher(), global);
    }

    /** mergekit's karcher_merge_tensors transliterated to float64 on the elements, equal weights 1/N. */
    private static double[] mergekit64(float[][] xs, int maxIter, double tol) {
        int n = xs.length;
        int len = xs[0].length;
        double alpha = 1.0 / n;
        double[] norms = new double[n];
        double[][] units = new double[n][len];
        double validAlpha = 0;
        int firstValid = -1;
        for (int i = 0; i < n; i++) {
            for (float x : xs[i]) {
                norms[i] += (double) x * x;
            }
            norms[i] = Math.sqrt(norms[i]);
            for (int j = 0; j < len; j++) {
                units[i][j] = norms[i] == 0 ? 0 : xs[i][j] / norms[i];
            }
            if (norms[i] > tol) {
                validAlpha += alpha;
                firstValid = firstValid < 0 ? i : firstValid;
            }
        }
        double[] mean = new double[len];
        if (firstValid < 0) {
            return mean;
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < len && norms[i] > tol; j++) {
                mean[j] += alpha / validAlpha * units[i][j];
            }
        }
        double meanNorm = norm(mean);
        mean = meanNorm < tol ? units[firstValid].clone() : scale(mean, 1 / meanNorm);
        for (int it = 0; it < maxIter; it++) {
            double[] tangent = new double[len];
            for (int i = 0; i < n; i++) {
                if (norms[i] <= tol) {
                    continue;
                }
                double d = Math.max(-1, Math.min(1, dot(mean, units[i])));
                double theta = Math.acos(d);
                if (theta < tol) {
                    continue;
                }
                for (int j = 0; j < len; j++) {
                    tangent[j] += alpha / validAlpha * (theta / Math.sin(theta)) * (units[i][j] - d * mean[j]);
                }
            }
            double tn = norm(tangent);
            if (tn < tol) {
                break;
            }
            for (int j = 0; j < len; j++) {
                mean[j] = Math.cos(tn) * mean[j] + Math.sin(tn) * (tangent[j] / tn);
            }
            double un = norm(mean);
            if (un > tol) {
                mean = scale(mean, 1 / un);
            }
        }
        double s = 0;
        for (double nrm : norms) {
            s += alpha * nrm;
        }
        return scale(mean, s);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    private static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    private static double[] scale(double[] a, double s) {
        double[] r = new double[a.length];
        for (int j = 0; j < a.length; j++) {
            r[j] = a[j] * s;
        }
        return r;
    }

    private static void assertClose(double[] expected, float[] actual, double tolerance) {
        assertEquals(expected.length, actual.length);
        for (int j = 0; j < actual.length; j++) {
            assertEquals(expected[j], actual[j], tolerance, "element " + j);
        }
    }

    /** Points on a circle at the given angles (degrees) with the given norms. */
    private static float[][] onCircle(double[] degrees, double[] norms) {
        float[][] xs = new float[degrees.length][];
        for (int i = 0; i < xs.length; i++) {
            double a = Math.toRadians(degrees[i]);
            xs[i] = new float[] {(float) (norms[i] * Math.cos(a)), (float) (norms[i] * Math.sin(a))};
        }
        return xs;
    }

    @Test
    void twoVectorsGiveTheNormalizedMidpointAtTheMeanNorm() {
        SplittableRandom rnd = new SplittableRandom(21);
        float[] a = new float[128];
        float[] b = new float[128];
        for (int j = 0; j < a.length; j++) {
            a[j] = (float) (2 * rnd.nextGaussian());
            b[j] = (float) (a[j] + 3 * rnd.nextGaussian());
        }
        // the geodesic midpoint of U_a and U_b is (U_a + U_b)/‖U_a + U_b‖; the scale is (‖a‖ + ‖b‖)/2
        double na = norm(widen(a));
        double nb = norm(widen(b));
        double[] mid = new double[a.length];
        for (int j = 0; j < a.length; j++) {
            mid[j] = a[j] / na + b[j] / nb;
        }
        double[] expected = scale(mid, (na + nb) / 2 / norm(mid));
        assertClose(expected, karcher(DEFAULTS, a, b), 2e-6);
    }

    private static double[] widen(float[] v) {
        double[] d = new double[v.length];
        for (int j = 0; j < v.length; j++) {
            d[j] = v[j];
        }
        return d;
    }

    @Test
    void orthogonalVectorsByHand() {
        // U = (1,0), (0,1): midpoint (1,1)/√2, mean norm (2 + 4)/2 = 3
        float[] r = karcher(DEFAULTS, new float[] {2, 0}, new float[] {0, 4});
        assertEquals(3 / Math.sqrt(2), r[0], 1e-6);
        assertEquals(3 / Math.sqrt(2), r[1], 1e-6);
    }

    @Test
    void onACircleItIsTheMeanAngle() {
        // on S¹ the Karcher mean of directions at 0°, 10° and 120° is their mean angle, 130°/3 (the normalized
        // Euclidean mean would point at ≈ 35°); the norms 1, 2, 3 average to 2
        float[] r = karcher(DEFAULTS, onCircle(new double[] {0, 10, 120}, new double[] {1, 2, 3}));
        double mean = Math.toRadians(130.0 / 3);
        assertEquals(2 * Math.cos(mean), r[0], 1e-6);
        assertEquals(2 * Math.sin(mean), r[1], 1e-6);
    }

    @Test
    void maxIterZeroGivesTheNormalizedEuclideanMean() {
        float[][] xs = onCircle(new double[] {0, 10, 120}, new double[] {1, 2, 3});
        float[] r = karcher(Map.of("max_iter", 0.0), xs);
        double angle = Math.toDegrees(Math.atan2(r[1], r[0]));
        assertEquals(2, Math.hypot(r[0], r[1]), 1e-6);
        assertTrue(Math.abs(angle - 130.0 / 3) > 5, "angle " + angle);
        assertClose(mergekit64(xs, 0, 1e-5), r, 1e-6);
    }

    @Test
    void maxIterBoundsTheSteps() {
        // in 3-D one step does not reach the mean, so 1, 2 and 10 steps give different points
        float[][] xs = {{1, 0, 0}, {0, 2, 0}, {0.5f, 0.5f, 3}, {-1, 0.2f, 0.4f}};
        for (int steps : new int[] {1, 2, 10}) {
            assertClose(mergekit64(xs, steps, 1e-5), karcher(Map.of("max_iter", (double) steps), xs), 1e-6);
        }
        double[] one = mergekit64(xs, 1, 1e-5);
        double[] ten = mergekit64(xs, 10, 1e-5);
        assertTrue(Math.abs(one[0] - ten[0]) + Math.abs(one[1] - ten[1]) + Math.abs(one[2] - ten[2]) > 1e-4);
    }

    @Test
    void agreesWithAFloat64KarcherOnRandomTensors() {
        SplittableRandom rnd = new SplittableRandom(22);
        float[][] xs = new float[5][400];
        for (float[] x : xs) {
            for (int j = 0; j < x.length; j++) {
                x[j] = (float) (rnd.nextGaussian() + 0.3 * Math.sin(j));
            }
        }
        double[] expected = mergekit64(xs, 10, 1e-5);
        float[] r = karcher(DEFAULTS, xs);
        for (int j = 0; j < r.length; j++) {
            assertEquals(expected[j], r[j], 4 * Math.ulp((float) expected[j]) + 1e-7, "element " + j);
        }
    }

    @Test
    void tolAlsoSkipsSmallAnglesAndShortInputs() {
        // tol = 2.5 exceeds ‖Σ a_i U_i‖ ≈ 0.6, so the start is U_0 = (1,0); every angle to it (at most 120° ≈ 2.09
        // rad) is below tol, so nothing moves: r = mean norm · (1,0) = (4, 0)
        float[][] xs = onCircle(new double[] {0, 10, 120}, new double[] {3, 4, 5});
        float[] r = karcher(Map.of("tol", 2.5), xs);
        assertClose(new double[] {4, 0}, r, 1e-6);
        assertClose(mergekit64(xs, 10, 2.5), r, 1e-6);
        // an input with norm ≤ tol has no direction but counts in the scale: u = (1,0), scale (2 + 1e-6)/2
        assertClose(new double[] {1 + 5e-7, 0}, karcher(DEFAULTS, new float[] {2, 0}, new float[] {0, 1e-6f}), 1e-7);
        assertArrayEquals(new float[] {1, 0}, karcher(DEFAULTS, new float[] {2, 0}, new float[] {0, 0}));
        // no input long enough: zeros
        assertArrayEquals(new float[] {0, 0}, karcher(DEFAULTS, new float[] {1e-6f, 0}, new float[] {0, 1e-6f}));
    }

    @Test
    void identicalInputsAreReturned() {
        float[] x = {0.5f, -1.25f, 3, 0.001f, -7};
        float[] r = karcher(DEFAULTS, x, x, x);
        for (int j = 0; j < x.length; j++) {
            assertEquals(x[j], r[j], Math.ulp(x[j]), "element " + j);
        }
    }

    @Test
    void anAppendedBaseIsAveragedInLikeAnyInput() {
        float[][] xs = onCircle(new double[] {0, 10, 120}, new double[] {1, 2, 3});
        float[] withBase = new MethodHarness()
                .input("m0", DType.F32, xs[0], Map.of())
                .input("m1", DType.F32, xs[1], Map.of())
                .baseInput("base", DType.F32, xs[2], Map.of(), false)
                .merge(new Karcher(), DEFAULTS);
        assertArrayEquals(karcher(DEFAULTS, xs), withBase);
    }

    @Test
    void oneInputIsPassedThrough() {
        float[] r = new MethodHarness()
                .input("m0", DType.BF16, new float[] {1, -2, 0.5f}, Map.of())
                .merge(new Karcher(), DEFAULTS);
        assertArrayEquals(new float[] {1, -2, 0.5f}, r);
    }

    @Test
    void checkInputsWantsAtLeastOneModel() {
        assertNull(new Karcher().checkInputs(1, false));
        assertNull(new Karcher().checkInputs(4, false));
        assertEquals("karcher needs at least one model", new Karcher().checkInputs(0, false));
    }

    @Test
    void describesItselfAsMergekitDoes() {
        MethodInfo info = new Karcher().info();
        assertEquals("karcher", info.name());
        assertEquals("Karcher Mean", info.prettyName());
        assertEquals("https://en.wikipedia.org/wiki/Karcher_mean", info.referenceUrl());
        assertEquals(MethodInfo.BaseUse.ORDINARY, info.baseUse());
        assertEquals(ParamSpec.Type.INT, info.parameter("max_iter").orElseThrow().type());
        assertEquals("10", info.parameter("max_iter").orElseThrow().defaultText());
        assertEquals(1e-5, info.parameter("tol").orElseThrow().defaultValue());
    }
}
