package dev.crucible.method;

import dev.crucible.io.DType;
import dev.crucible.io.FloatFormats;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SlerpTest {
    private static final float SIN_QUARTER_PI = (float) StrictMath.sin(Math.PI / 4);

    private static float[] slerp(double t, DType dtype, float[] base, float[] other) {
        return new MethodHarness()
                .baseInput("base", dtype, base, Map.of(), true)
                .input("other", dtype, other, Map.of())
                .merge(new Slerp(), Map.of("t", t));
    }

    /**
     * mergekit's slerp transliterated to float64 on the elements (normalize, dot, branch, blend of the originals):
     * {@code [value, magnitude]} per element, the magnitude bounding the rounding of the binary32 evaluation.
     */
    private static double[][] slerp64(double t, float[] a, float[] b) {
        double na = 0;
        double nb = 0;
        for (int j = 0; j < a.length; j++) {
            na += (double) a[j] * a[j];
            nb += (double) b[j] * b[j];
        }
        na = Math.sqrt(na);
        nb = Math.sqrt(nb);
        double dot = 0;
        for (int j = 0; j < a.length; j++) {
            dot += (na > 1e-8 ? a[j] / na : a[j]) * (nb > 1e-8 ? b[j] / nb : b[j]);
        }
        double s0 = 1 - t;
        double s1 = t;
        if (Math.abs(dot) <= 0.9995) {
            double theta0 = Math.acos(dot);
            s0 = Math.sin(theta0 - theta0 * t) / Math.sin(theta0);
            s1 = Math.sin(theta0 * t) / Math.sin(theta0);
        }
        double[][] r = new double[a.length][];
        for (int j = 0; j < a.length; j++) {
            r[j] = new double[] {s0 * a[j] + s1 * b[j], Math.abs(s0 * a[j]) + Math.abs(s1 * b[j])};
        }
        return r;
    }

    private static void assertMatches64(double t, DType dtype, float[] a, float[] b) {
        float[] r = slerp(t, dtype, a, b);
        double[][] expected = slerp64(t, a, b);
        for (int j = 0; j < r.length; j++) {
            // two fl32 coefficients, two products, one sum: a few ulps of the larger term
            assertEquals(expected[j][0], r[j], 4 * Math.ulp((float) expected[j][1]), "element " + j);
        }
    }

    private static float[] gaussian(long seed, int n) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int j = 0; j < n; j++) {
            v[j] = (float) rnd.nextGaussian();
        }
        return v;
    }

    private static float bf16(float v) {
        return FloatFormats.bf16ToFloat(FloatFormats.floatToBf16(v));
    }

    @Test
    void orthogonalUnitVectorsAtOneHalfGiveSinQuarterPi() {
        // θ0 = π/2, s0 = 1: both coefficients are sin(π/4)
        assertArrayEquals(new float[] {SIN_QUARTER_PI, SIN_QUARTER_PI},
                slerp(0.5, DType.F32, new float[] {1, 0}, new float[] {0, 1}));
    }

    @Test
    void coefficientsApplyToTheUnnormalizedTensors() {
        assertArrayEquals(new float[] {SIN_QUARTER_PI * 3, SIN_QUARTER_PI * 2, 0},
                slerp(0.5, DType.F32, new float[] {3, 0, 0}, new float[] {0, 2, 0}));
    }

    @Test
    void tZeroGivesTheBaseAndTOneTheOtherModelExactly() {
        float[] a = gaussian(1, 64);
        float[] b = gaussian(2, 64);
        float[] base = slerp(0, DType.BF16, a, b);
        float[] other = slerp(1, DType.BF16, a, b);
        for (int j = 0; j < a.length; j++) {
            assertEquals(bf16(a[j]), base[j], "element " + j);
            assertEquals(bf16(b[j]), other[j], "element " + j);
        }
    }

    @Test
    void parallelAndAntiparallelTensorsTakeTheLerpBranch() {
        // dot = 1: (1 − t)·a + t·b on the original tensors
        assertArrayEquals(new float[] {1.25f, 2.5f, 3.75f},
                slerp(0.25, DType.F32, new float[] {1, 2, 3}, new float[] {2, 4, 6}));
        // dot = −1: the slerp formula would divide by sin π ≈ 1e-16; LERP gives the exact midpoint 0
        assertArrayEquals(new float[] {0, 0, 0},
                slerp(0.5, DType.F32, new float[] {1, 2, 3}, new float[] {-1, -2, -3}));
    }

    @Test
    void theBranchSwitchesAtDot09995() {
        // b at angle φ from a = (1, 0): cos φ = 0.9990 slerps, cos φ = 0.9999 lerps (midpoint norms differ)
        for (double cos : new double[] {0.9990, 0.9999}) {
            float[] a = {1, 0};
            float[] b = {(float) cos, (float) Math.sqrt(1 - cos * cos)};
            float[] r = slerp(0.5, DType.F32, a, b);
            double norm = Math.hypot(r[0], r[1]);
            double expected = cos < 0.9995 ? 1.0 : Math.cos(Math.acos(cos) / 2);
            assertEquals(expected, norm, 1e-6, "cos φ = " + cos);
            assertMatches64(0.5, DType.F32, a, b);
        }
    }

    @Test
    void aZeroBaseIsNotNormalizedAndSlerpsAlongAQuarterCircle() {
        // ‖a‖ ≤ 1e-8: dot = 0, θ0 = π/2, so r = sin(t·π/2)·b
        float[] b = {1.5f, -2f, 0.25f};
        float[] r = slerp(0.3, DType.F32, new float[3], b);
        float c1 = (float) StrictMath.sin(0.3 * (Math.PI / 2));
        assertArrayEquals(new float[] {c1 * b[0], c1 * b[1], c1 * b[2]}, r);
        assertArrayEquals(new float[3], slerp(0.3, DType.F32, new float[3], new float[3]));
    }

    @Test
    void tinyParallelTensorsStayUnnormalizedSoTheyTakeTheSlerpBranch() {
        // mergekit normalizes only norms above 1e-8: here dot = 2e-18, not 1, and θ0 ≈ π/2
        float[] r = slerp(0.5, DType.F32, new float[] {1e-9f, 0}, new float[] {2e-9f, 0});
        assertEquals(SIN_QUARTER_PI * 3e-9, r[0], 1e-15);
        assertEquals(0f, r[1]);
    }

    @Test
    void agreesWithAFloat64SlerpOnRandomTensors() {
        for (DType dtype : new DType[] {DType.BF16, DType.F16, DType.F32}) {
            float[] a = gaussian(3, 500);
            float[] b = gaussian(4, 500);
            for (int j = 0; j < a.length; j++) {
                // correlate them so that θ0 is well away from π/2
                b[j] = bf16(0.6f * a[j] + 0.8f * b[j]);
                a[j] = bf16(a[j]);
            }
            for (double t : new double[] {0.1, 0.5, 0.73, 1.4, -0.2}) {
                assertMatches64(t, dtype, a, b);
            }
        }
    }

    @Test
    void onlyTheBasePresentIsPassedThrough() {
        float[] r = new MethodHarness()
                .baseInput("base", DType.BF16, new float[] {1, -2, 3}, Map.of(), true)
                .merge(new Slerp(), Map.of("t", 0.5));
        assertArrayEquals(new float[] {1, -2, 3}, r);
    }

    @Test
    void checkInputsNeedsTheBaseAndOneOtherModel() {
        Slerp slerp = new Slerp();
        assertNull(slerp.checkInputs(1, true));
        assertNull(slerp.checkInputs(0, true));
        assertTrue(slerp.checkInputs(2, true).startsWith("Slerp merge expects exactly two models"));
        assertTrue(slerp.checkInputs(1, false).startsWith("Base model not in input tensors"));
    }

    @Test
    void describesItselfAsMergekitDoes() {
        MethodInfo info = new Slerp().info();
        assertEquals("slerp", info.name());
        assertEquals("SLERP", info.prettyName());
        assertEquals(MethodInfo.BaseUse.REQUIRED, info.baseUse());
        assertTrue(info.parameter("t").orElseThrow().required());
        assertEquals(1, info.parameters().size());
    }
}
