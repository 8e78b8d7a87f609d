package dev.crucible.method;

import dev.crucible.io.DType;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NearSwapTest {

    private static float[] merge(float[] base, float[] x, double t) {
        return new MethodHarness()
                .baseInput("base", DType.F32, base, Map.of(), true)
                .input("x", DType.F32, x, Map.of())
                .merge(new NearSwap(), Map.of("t", t));
    }

    @Test
    void closeElementsTakeTheOtherModelAndFarOnesStayNearTheBase() {
        // t = 0.5; distances 0.25, 0, 0.5, 4, 2
        float[] base = {1, 2, 3, 0, 10};
        float[] x = {1.25f, 2, 3.5f, 4, 8};
        float[] r = merge(base, x, 0.5);
        // d ≤ t: ω = 1, the other model's value (identical elements too, through the 1e-6 floor)
        // d = 4: ω = 0.125, 0.125·4 + 0.875·0 = 0.5;  d = 2: ω = 0.25, 0.25·8 + 0.75·10 = 9.5
        assertArrayEquals(new float[] {1.25f, 2, 3.5f, 0.5f, 9.5f}, r);
    }

    @Test
    void thresholdZeroKeepsTheBase() {
        float[] base = {1, 2, 3};
        assertArrayEquals(base, merge(base, new float[] {1, 2.5f, -3}, 0.0));
    }

    @Test
    void agreesWithAFloat64Computation() {
        SplittableRandom rnd = new SplittableRandom(3);
        int n = 2000;
        float[] base = new float[n];
        float[] x = new float[n];
        for (int j = 0; j < n; j++) {
            base[j] = (float) rnd.nextGaussian();
            x[j] = (float) (base[j] + 0.3 * rnd.nextGaussian());
        }
        double t = 0.1;
        float[] r = merge(base, x, t);
        int near = 0;
        for (int j = 0; j < n; j++) {
            double w = Math.min(1, t / Math.max(Math.abs((double) base[j] - x[j]), 1e-6));
            near += w == 1 ? 1 : 0;
            double expected = w * x[j] + (1 - w) * base[j];
            assertEquals(expected, r[j], 1e-6 * (Math.abs(x[j]) + Math.abs(base[j])), "element " + j);
        }
        assertTrue(near > n / 10 && near < n * 9 / 10, "both regimes should occur, near: " + near);
    }

    @Test
    void takesTheBaseAndExactlyOneOtherModel() {
        NearSwap method = new NearSwap();
        assertNull(method.checkInputs(0, true));
        assertNull(method.checkInputs(1, true));
        assertTrue(method.checkInputs(2, true).startsWith("NearSwap merge expects exactly two models"));

        float[] base = {4, -1};
        assertArrayEquals(base, new MethodHarness().baseInput("base", DType.F32, base, Map.of(), true)
                .merge(method, Map.of("t", 0.5)));
    }
}
