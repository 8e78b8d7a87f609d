package dev.crucible.method;

import dev.crucible.io.DType;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Golden and statistical tests of the task-arithmetic family (merge-methods.md §2.11–§2.14, §3.6). */
class TaskArithmeticTest {
    private static MergeMethod method(String name) {
        return MethodRegistry.find(name).orElseThrow();
    }

    private static Map<String, Double> p(Object... kv) {
        Map<String, Double> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], ((Number) kv[i + 1]).doubleValue());
        }
        return m;
    }

    private static MethodHarness withBase(float[] base) {
        return new MethodHarness().baseInput("base", DType.F32, base, Map.of(), true);
    }

    @Test
    void taskArithmeticAddsWeightedTaskVectorsThenLambda() {
        float[] r = withBase(new float[] {1, 2})
                .input("a", DType.F32, new float[] {2, 2}, p("weight", 0.5))
                .input("b", DType.F32, new float[] {1, 4}, p("weight", 1))
                .merge(method("task_arithmetic"), Map.of());
        assertArrayEquals(new float[] {1.5f, 4f}, r);
        float[] scaled = withBase(new float[] {1, 2})
                .input("a", DType.F32, new float[] {2, 2}, p("weight", 0.5))
                .input("b", DType.F32, new float[] {1, 4}, p("weight", 1))
                .merge(method("task_arithmetic"), p("lambda", 0.5));
        assertArrayEquals(new float[] {1.25f, 3f}, scaled);
        float[] normalized = withBase(new float[] {1, 2})
                .input("a", DType.F32, new float[] {2, 2}, p("weight", 0.5))
                .input("b", DType.F32, new float[] {1, 4}, p("weight", 1))
                .merge(method("task_arithmetic"), p("normalize", 1));
        assertArrayEquals(new float[] {1 + 0.5f / 1.5f, 2 + 2f / 1.5f}, normalized);
    }

    @Test
    void tiesElectsTheSignOfTheWeightedSumAndAveragesTheAgreeingModels() {
        // deltas 1, −2, 0.5 with weights 1, 1, 2: S = 1 − 2 + 1 = 0 elects +, so models 0 and 2 are kept:
        // mixed = 1 + 1 = 2, div = 1 + 2 = 3
        float[] r = withBase(new float[] {10})
                .input("a", DType.F32, new float[] {11}, p("weight", 1))
                .input("b", DType.F32, new float[] {8}, p("weight", 1))
                .input("c", DType.F32, new float[] {10.5f}, p("weight", 2))
                .merge(method("ties"), Map.of());
        assertArrayEquals(new float[] {10 + 2f / 3f}, r);
        // same inputs, weight of c = 1: S = −0.5 elects −, only b is kept
        float[] minus = withBase(new float[] {10})
                .input("a", DType.F32, new float[] {11}, p("weight", 1))
                .input("b", DType.F32, new float[] {8}, p("weight", 1))
                .input("c", DType.F32, new float[] {10.5f}, p("weight", 1))
                .merge(method("ties"), Map.of());
        assertArrayEquals(new float[] {8}, minus);
    }

    @Test
    void consensusVariants() {
        // deltas 3, −1, −1 (weights 1): the sum elects + (keeps 3), the majority elects − (keeps the two −1)
        MethodHarness h = withBase(new float[] {0})
                .input("a", DType.F32, new float[] {3}, p("weight", 1))
                .input("b", DType.F32, new float[] {-1}, p("weight", 1))
                .input("c", DType.F32, new float[] {-1}, p("weight", 1));
        assertArrayEquals(new float[] {3}, h.merge(method("ties"), Map.of()));
        assertArrayEquals(new float[] {-1}, h.merge(method("ties"), p("consensus", 1)));
        // weights 1, 4, 4 on deltas 3, −1, −1: the weighted sum elects −, the unweighted sum (paper) elects +
        MethodHarness w = withBase(new float[] {0})
                .input("a", DType.F32, new float[] {3}, p("weight", 1))
                .input("b", DType.F32, new float[] {-1}, p("weight", 4))
                .input("c", DType.F32, new float[] {-1}, p("weight", 4));
        assertArrayEquals(new float[] {-1}, w.merge(method("ties"), Map.of()));
        assertArrayEquals(new float[] {3}, w.merge(method("ties"), p("consensus", 2)));
    }

    @Test
    void magnitudeKeepsExactlyKWithTiesByLowestIndex() {
        // merge-methods.md §2.13's example: k = 3 keeps indices {4, 0, 1}
        float[] r = withBase(new float[6])
                .input("a", DType.F32, new float[] {0.5f, -0.5f, 0.25f, 0.5f, 1.0f, -0.5f}, p("weight", 1,
                        "density", 0.5))
                .merge(method("ties"), Map.of());
        assertArrayEquals(new float[] {0.5f, -0.5f, 0, 0, 1.0f, 0}, r);
    }

    @Test
    void densityThatKeepsNothingWarnsOnceInsteadOfFailing() {
        MethodHarness h = withBase(new float[] {1, 1, 1})
                .input("a", DType.F32, new float[] {2, 3, 4}, p("weight", 1, "density", 0.3));
        assertArrayEquals(new float[] {1, 1, 1}, h.merge(method("ties"), Map.of()));
        assertEquals(1, h.warnings.messages().size());
        assertTrue(h.warnings.messages().getFirst().contains("keeps no element"));
        assertThrows(dev.crucible.CrucibleException.class, () -> withBase(new float[] {1, 1, 1})
                .input("a", DType.F32, new float[] {2, 3, 4}, p("weight", 1, "density", 0.3))
                .merge(method("ties"), p("mergekit_assert_k_zero", 1)));
    }

    @Test
    void noTaskVectorLeavesTheBase() {
        MethodHarness h = withBase(new float[] {1, 2, 3});
        assertArrayEquals(new float[] {1, 2, 3}, h.merge(method("dare_ties"), Map.of()));
    }

    private static float[][] randomPair(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] base = new float[n];
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            base[i] = (float) rnd.nextGaussian();
            x[i] = base[i] + (float) (rnd.nextGaussian() * 0.1);
        }
        return new float[][] {base, x};
    }

    /** Elements of the merged result that moved away from the base. */
    private static int changed(float[] r, float[] base) {
        int c = 0;
        for (int i = 0; i < r.length; i++) {
            if (r[i] != base[i]) {
                c++;
            }
        }
        return c;
    }

    @Test
    void dareKeepsTheDensityWithinFourSigmaAndL1RescaleRestoresTheNorm() {
        int n = 100_000;
        float[][] bx = randomPair(n, 3);
        float[] r = withBase(bx[0]).seed(7)
                .input("a", DType.F32, bx[1], p("weight", 1, "density", 0.3))
                .merge(method("dare_linear"), Map.of());
        double sigma = Math.sqrt(n * 0.3 * 0.7);
        assertEquals(0.3 * n, changed(r, bx[0]), 4 * sigma);
        double before = 0;
        double after = 0;
        for (int i = 0; i < n; i++) {
            before += Math.abs((double) (bx[1][i] - bx[0][i]));
            after += Math.abs((double) r[i] - bx[0][i]);
        }
        assertEquals(before, after, before * 1e-4, "L1 of the kept, rescaled delta equals the original L1");
    }

    @Test
    void sameSeedSameBitsOtherSeedOtherMask() {
        float[][] bx = randomPair(10_000, 5);
        float[] one = withBase(bx[0]).seed(11).input("a", DType.F32, bx[1], p("weight", 1, "density", 0.5))
                .merge(method("dare_ties"), Map.of());
        float[] again = withBase(bx[0]).seed(11).input("a", DType.F32, bx[1], p("weight", 1, "density", 0.5))
                .merge(method("dare_ties"), Map.of());
        float[] other = withBase(bx[0]).seed(12).input("a", DType.F32, bx[1], p("weight", 1, "density", 0.5))
                .merge(method("dare_ties"), Map.of());
        assertArrayEquals(one, again);
        assertFalse(Arrays.equals(one, other));
    }

    @Test
    void rescaleDensityDividesKeptValuesByTheKeepProbability() {
        float[] base = new float[1000];
        float[] x = new float[1000];
        Arrays.fill(x, 0.3f);
        float[] r = withBase(base).seed(1).input("a", DType.F32, x, p("weight", 1, "density", 0.25))
                .merge(method("dare_linear"), p("rescale", 2));
        for (float v : r) {
            assertTrue(v == 0f || v == (float) (0.3f / 0.25), "kept values are δ / p, dropped ones 0: " + v);
        }
    }

    @Test
    void breadcrumbsKeepsTheMiddleBandEvenWhenNoTopIsCut() {
        float[] delta = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        // density 0.6, gamma 0.2 on 10 elements: drop the 2 largest and the 2 smallest
        float[] r = withBase(new float[10]).input("a", DType.F32, delta, p("weight", 1, "density", 0.6,
                "gamma", 0.2)).merge(method("breadcrumbs"), Map.of());
        assertArrayEquals(new float[] {0, 0, 3, 4, 5, 6, 7, 8, 0, 0}, r);
        // gamma·numel < 1: n_top = 0, the band is the top 6 (mergekit would drop the whole delta)
        float[] fixed = withBase(new float[10]).input("a", DType.F32, delta, p("weight", 1, "density", 0.6))
                .merge(method("breadcrumbs"), Map.of());
        assertArrayEquals(new float[] {0, 0, 0, 0, 5, 6, 7, 8, 9, 10}, fixed);
        float[] compat = withBase(new float[10]).input("a", DType.F32, delta, p("weight", 1, "density", 0.6))
                .merge(method("breadcrumbs"), p("mergekit_breadcrumbs_empty_band", 1));
        assertArrayEquals(new float[10], compat);
    }

    @Test
    void dellaChecksEpsilonAndKeepsTheDensityOnAverage() {
        MergeMethod della = method("della");
        assertNotNull(della.checkParameters(Map.of(), p("density", 0.9, "epsilon", 0.15)));
        assertNull(della.checkParameters(Map.of(), p("density", 0.5, "epsilon", 0.15)));
        assertNull(della.checkParameters(Map.of(), p("density", 1.0, "epsilon", 0.15)), "density 1 disables");
        int rows = 200;
        int cols = 500;
        float[][] bx = randomPair(rows * cols, 9);
        float[] r = withBase(bx[0]).shape(rows, cols).seed(3)
                .input("a", DType.F32, bx[1], p("weight", 1, "density", 0.4, "epsilon", 0.1))
                .merge(method("della_linear"), p("rescale", 0));
        int n = rows * cols;
        assertEquals(0.4 * n, changed(r, bx[0]), 4 * Math.sqrt(n * 0.4 * 0.6));
    }

    @Test
    void dellaKeepsLargeMagnitudesMoreOften() {
        int rows = 100;
        int cols = 1000;
        float[] base = new float[rows * cols];
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % cols) + 1; // magnitude grows along each row
        }
        float[] r = withBase(base).shape(rows, cols).seed(4)
                .input("a", DType.F32, x, p("weight", 1, "density", 0.5, "epsilon", 0.4))
                .merge(method("della_linear"), p("rescale", 0));
        int low = 0;
        int high = 0;
        for (int row = 0; row < rows; row++) {
            for (int c = 0; c < 100; c++) {
                low += r[row * cols + c] != 0 ? 1 : 0;
                high += r[row * cols + cols - 1 - c] != 0 ? 1 : 0;
            }
        }
        // keep probabilities ≈ 0.1 at the small end, ≈ 0.9 at the large end
        assertTrue(low < 0.15 * 100 * rows && high > 0.85 * 100 * rows, low + " vs " + high);
    }

    @Test
    void dellaOnAFibreOfOneUsesTheDensity() {
        float[] base = new float[20_000];
        float[] x = new float[20_000];
        Arrays.fill(x, 1f);
        float[] r = withBase(base).shape(20_000, 1).seed(2)
                .input("a", DType.F32, x, p("weight", 1, "density", 0.3, "epsilon", 0.1))
                .merge(method("della_linear"), p("rescale", 0));
        assertEquals(0.3 * 20_000, changed(r, base), 4 * Math.sqrt(20_000 * 0.3 * 0.7));
    }

    @Test
    void inverseProbabilityRescaleIsOnlyForRandomSparsifiers() {
        assertNotNull(method("ties").checkParameters(p("rescale", 2), p("density", 0.5)));
        assertNull(method("dare_ties").checkParameters(p("rescale", 2), p("density", 0.5)));
        assertNotNull(method("dare_ties").checkParameters(Map.of(), p("density", -0.1)));
    }
}
