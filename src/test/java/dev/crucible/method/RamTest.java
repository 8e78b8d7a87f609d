package dev.crucible.method;

import dev.crucible.io.DType;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

class RamTest {

    private static float[] merge(MergeMethod method, float[] base, float[][] xs, Map<String, Double> global) {
        MethodHarness h = new MethodHarness().baseInput("base", DType.F32, base, Map.of(), true);
        for (int m = 0; m < xs.length; m++) {
            h.input("m" + m, DType.F32, xs[m], Map.of());
        }
        return h.merge(method, global);
    }

    @Test
    void twoConfiguredInstancesOfOneClass() {
        assertEquals("ram", Ram.ram().info().name());
        assertEquals("ramplus_tl", Ram.ramPlusTensorLocal().info().name());
        assertNotSame(Ram.ram(), Ram.ramPlusTensorLocal());
        assertEquals(MethodInfo.BaseUse.REQUIRED, Ram.ram().info().baseUse());
        assertEquals(1e-5, Ram.ram().info().parameter("epsilon").orElseThrow().defaultValue());
        assertEquals(0.1, Ram.ramPlusTensorLocal().info().parameter("r").orElseThrow().defaultValue());
        assertEquals(0.2, Ram.ramPlusTensorLocal().info().parameter("alpha").orElseThrow().defaultValue());
    }

    @Test
    void uniqueChangesAreKeptWholeAndSharedOnesAveraged() {
        float[] base = {1, 1, 1, 0, -2, 0.5f};
        float[][] xs = {
                {1.5f, 2, 1.05f, 0.1f, 1, -2.5f},
                {1, 4, 3, -0.1f, 1, 6.5f},
                {1, 1, 1, 0, 1, 3.5f}};
        // task vectors: (0.5, 1, ~0.05, 0.1, 3, −3), (0, 3, 2, −0.1, 3, 6), (0, 0, 0, 0, 3, 3); ε = 0.1:
        // j0 unique 0.5; j1 shared (1 + 3)/2; j2 the 0.05 is under ε, so 2 is unique; j3 |0.1| is not above ε;
        // j4 three models, 3/3 · 3; j5 (−3 + 6 + 3)/3 = 2
        float[] r = merge(Ram.ram(), base, xs, Map.of("epsilon", 0.1));
        assertArrayEquals(new float[] {1.5f, 3, 3, 0, 1, 2.5f}, r);

        // with the default ε = 1e-5 the small changes count: j2 is shared by two models, j3 averages to 0
        float[] small = merge(Ram.ram(), base, xs, Map.of());
        assertEquals(1 + (0.05 + 2) / 2, small[2], 1e-6);
        assertEquals(0f, small[3]);
    }

    @Test
    void ramPlusBoostsUniqueChangesByTheSharedToUniqueRatio() {
        float[] base = {1, 1, 1, 1};
        float[][] xs = {
                {2, 3, 1, 5},
                {1, 3, 2, 1}};
        // model 0 changes j0, j3 alone and shares j1: ρ = 1/2, λ = 1 + 0.5·0.5 = 1.25
        // model 1 changes j2 alone and shares j1:     ρ = 1/1, λ = 1 + 0.5·1   = 1.5
        Map<String, Double> params = Map.of("r", 0.5, "alpha", 2.0);
        assertArrayEquals(new float[] {2.25f, 3, 2.5f, 6}, merge(Ram.ramPlusTensorLocal(), base, xs, params));
        assertArrayEquals(new float[] {2, 3, 2, 5}, merge(Ram.ram(), base, xs, Map.of()));

        // the defaults cap ρ at α = 0.2: λ = fl32(1 + 0.1·0.2) for both models
        float lambda = (float) (1 + 0.1 * 0.2);
        float[] capped = merge(Ram.ramPlusTensorLocal(), base, xs, Map.of());
        assertArrayEquals(new float[] {1 + lambda, 3, 1 + lambda, 1 + 4 * lambda}, capped);
    }

    @Test
    void aModelWithOnlySharedChangesGetsAFiniteUnusedBoost() {
        // no unique element anywhere: ρ = sh/ε is clamped, and RAM+ equals RAM
        float[] base = {0, 0};
        float[][] xs = {{2, 2}, {2, 4}};
        float[] plain = merge(Ram.ram(), base, xs, Map.of());
        assertArrayEquals(new float[] {2, 3}, plain);
        assertArrayEquals(plain, merge(Ram.ramPlusTensorLocal(), base, xs, Map.of()));
    }

    @Test
    void withoutOtherModelsTheResultIsTheBase() {
        assertNull(Ram.ram().checkInputs(0, true));
        float[] base = {3, -1};
        assertArrayEquals(base, merge(Ram.ram(), base, new float[0][], Map.of()));
        assertArrayEquals(base, merge(Ram.ramPlusTensorLocal(), base, new float[0][], Map.of()));
    }

    @Test
    void ramPlusCountsOverEveryChunkAndAgreesWithFloat64() {
        // 150,000 elements span three reduction chunks. Model m changes 40 + 10·m % of the elements, which gives
        // ρ ≈ 4, 3.2 and 2.3, all under α = 5, so each model gets its own λ; changes of 1e-7 are far below ε and
        // must not count.
        int n = 150_000;
        int models = 3;
        SplittableRandom rnd = new SplittableRandom(9);
        float[] base = new float[n];
        float[][] xs = new float[models][n];
        for (int j = 0; j < n; j++) {
            base[j] = (float) rnd.nextGaussian();
            for (int m = 0; m < models; m++) {
                double u = rnd.nextDouble();
                double delta = u < 0.4 + 0.1 * m ? 0.5 * rnd.nextGaussian() : u < 0.9 ? 0 : 1e-7;
                xs[m][j] = (float) (base[j] + delta);
            }
        }
        double epsilon = 1e-3;
        float[] r = merge(Ram.ramPlusTensorLocal(), base, xs, Map.of("r", 0.5, "alpha", 5.0, "epsilon", epsilon));

        double[][] d = new double[models][n];
        long[] shared = new long[models];
        long[] unique = new long[models];
        int[] c = new int[n];
        for (int j = 0; j < n; j++) {
            for (int m = 0; m < models; m++) {
                d[m][j] = (double) xs[m][j] - base[j];
                c[j] += Math.abs(d[m][j]) > epsilon ? 1 : 0;
            }
            for (int m = 0; m < models; m++) {
                if (Math.abs(d[m][j]) > epsilon) {
                    shared[m] += c[j] > 1 ? 1 : 0;
                    unique[m] += c[j] == 1 ? 1 : 0;
                }
            }
        }
        double[] lambda = new double[models];
        for (int m = 0; m < models; m++) {
            lambda[m] = 1 + 0.5 * Math.min(Math.max((double) shared[m] / Math.max(unique[m], epsilon), 0), 5.0);
        }
        for (int j = 0; j < n; j++) {
            double merged = 0;
            for (int m = 0; m < models; m++) {
                if (Math.abs(d[m][j]) > epsilon) {
                    merged += c[j] == 1 ? d[m][j] * lambda[m] : d[m][j] / c[j];
                }
            }
            double expected = base[j] + merged;
            assertEquals(expected, r[j], 1e-6 * (1 + Math.abs(expected)), "element " + j);
        }
    }
}
