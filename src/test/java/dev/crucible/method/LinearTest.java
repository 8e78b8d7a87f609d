package dev.crucible.method;

import dev.crucible.CrucibleException;
import dev.crucible.io.DType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinearTest {
    private static final Map<String, Double> NORMALIZE = Map.of("normalize", 1.0);
    private static final Map<String, Double> RAW = Map.of("normalize", 0.0);

    @Test
    void normalizedWeightedAverageByHand() {
        // weights 3 and 1 normalize to 0.75 and 0.25, both exact in binary32
        float[] r = new MethodHarness()
                .input("a", DType.BF16, new float[] {1, 2, -3, 0.5f}, Map.of("weight", 3.0))
                .input("b", DType.BF16, new float[] {3, 0.5f, 1, -0.5f}, Map.of("weight", 1.0))
                .merge(new Linear(), NORMALIZE);
        assertArrayEquals(new float[] {1.5f, 1.625f, -2f, 0.25f}, r);
    }

    @Test
    void withoutNormalizeTheWeightsScaleTheSum() {
        float[] r = new MethodHarness()
                .input("a", DType.F32, new float[] {1, 2}, Map.of("weight", 2.0))
                .input("b", DType.F32, new float[] {4, -8}, Map.of("weight", -0.5))
                .merge(new Linear(), RAW);
        assertArrayEquals(new float[] {0f, 8f}, r);
    }

    @Test
    void userWeightsAreUsedExactlyNotRoundedToBf16() {
        // mergekit with dtype bfloat16 turns 0.3 into 0.30078125; Crucible multiplies by fl32(0.3)
        float[] r = new MethodHarness()
                .input("a", DType.BF16, new float[] {1, 256}, Map.of("weight", 0.3))
                .merge(new Linear(), RAW);
        assertEquals(0.3f, r[0]);
        assertEquals(0.3f * 256f, r[1]);
        assertTrue(r[0] != 0.30078125f);
    }

    @Test
    void accumulatesLeftToRightFromTheFirstProduct() {
        // 1e8·1 + (−1e8)·1 + 1·1: left to right gives 1; any other grouping in binary32 loses the 1
        float[] r = new MethodHarness()
                .input("a", DType.F32, new float[] {1e8f}, Map.of("weight", 1.0))
                .input("b", DType.F32, new float[] {-1e8f}, Map.of("weight", 1.0))
                .input("c", DType.F32, new float[] {1f}, Map.of("weight", 1.0))
                .merge(new Linear(), RAW);
        assertEquals(1f, r[0]);
        float[] other = new MethodHarness()
                .input("c", DType.F32, new float[] {1f}, Map.of("weight", 1.0))
                .input("a", DType.F32, new float[] {1e8f}, Map.of("weight", 1.0))
                .input("b", DType.F32, new float[] {-1e8f}, Map.of("weight", 1.0))
                .merge(new Linear(), RAW);
        assertEquals(0f, other[0], "input order is part of the contract");
    }

    @Test
    void agreesWithAFloat64ComputationWithinOneRounding() {
        float[] a = new float[1000];
        float[] b = new float[1000];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextGaussian();
            b[i] = (float) rnd.nextGaussian();
        }
        float[] r = new MethodHarness()
                .input("a", DType.F32, a, Map.of("weight", 0.7))
                .input("b", DType.F32, b, Map.of("weight", 0.55))
                .merge(new Linear(), NORMALIZE);
        for (int i = 0; i < a.length; i++) {
            double expected = (0.7 * a[i] + 0.55 * b[i]) / 1.25;
            assertEquals(expected, r[i], 4 * Math.ulp((float) Math.abs(expected)) + 1e-7, "element " + i);
        }
    }

    @Test
    void weightsSummingToZeroWithNormalizeIsAnError() {
        CrucibleException e = assertThrows(CrucibleException.class, () -> new MethodHarness()
                .input("a", DType.F32, new float[] {1}, Map.of("weight", 1.0))
                .input("b", DType.F32, new float[] {1}, Map.of("weight", -1.0))
                .merge(new Linear(), NORMALIZE));
        assertTrue(e.getMessage().startsWith("t: linear: the weights sum to zero"), e.getMessage());
    }

    @Test
    void anAppendedBaseWithoutWeightIsIgnoredWithOneWarning() {
        MethodHarness h = new MethodHarness()
                .input("a", DType.F32, new float[] {2, 4}, Map.of("weight", 1.0))
                .baseInput("base", DType.F32, new float[] {100, 100}, Map.of(), false);
        assertArrayEquals(new float[] {2, 4}, h.merge(new Linear(), NORMALIZE));
        assertEquals(1, h.warnings.messages().size());
        assertTrue(h.warnings.messages().getFirst().contains("base model base has no weight"));
    }

    @Test
    void aWeightedBaseIsAnOrdinaryInput() {
        float[] r = new MethodHarness()
                .input("a", DType.F32, new float[] {2}, Map.of("weight", 1.0))
                .baseInput("base", DType.F32, new float[] {4}, Map.of("weight", 1.0), false)
                .merge(new Linear(), NORMALIZE);
        assertArrayEquals(new float[] {3}, r);
    }
}
