package dev.crucible.backend.cpu;

import dev.crucible.backend.Backend;
import dev.crucible.backend.Keys;
import dev.crucible.backend.Mask;
import dev.crucible.backend.Operand;
import dev.crucible.backend.Selection;
import dev.crucible.backend.Tensors;
import dev.crucible.backend.Threshold;
import dev.crucible.io.DType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Hand-computed answers for {@link Backend#signConflicts} ({@code {considered, conflicting}}), on the reference engine
 * and the vector engine (which the conformance test compares with the reference, not with these answers): an
 * element is considered when at least two models have a kept delta {@code > 0} or {@code < 0} (binary32; zero, minus
 * zero and NaN deltas have neither sign), conflicting when those deltas have both signs.
 */
class SignConflictsGoldenTest {
    private static final Arena ARENA = Arena.ofAuto();
    private static final float NAN = Float.NaN;
    private static final float INF = Float.POSITIVE_INFINITY;
    private static List<Backend> engines;

    @BeforeAll
    static void start() {
        engines = List.of(CpuBackend.reference(), CpuBackend.vector(1), CpuBackend.vector(3));
    }

    @AfterAll
    static void stop() {
        for (Backend e : engines) {
            e.close();
        }
    }

    private static Operand f32(float... values) {
        return Tensors.of(ARENA, DType.F32, values);
    }

    private static Mask[] all(int models) {
        Mask[] masks = new Mask[models];
        Arrays.fill(masks, new Mask.All());
        return masks;
    }

    private static void assertCounts(long considered, long conflicting, Operand b, Operand[] xs, Mask[] keep,
                                     String what) {
        for (int e = 0; e < engines.size(); e++) {
            assertArrayEquals(new long[] {considered, conflicting}, engines.get(e).signConflicts(b, xs, keep),
                    what + ", engine " + e);
        }
    }

    @Test
    void identicalModelsAgreeEverywhere() {
        Operand b = f32(0f, 1f, -1f, 2f);
        Operand x = f32(1f, 3f, -2f, 2f); // δ = 1, 2, −1, 0
        assertCounts(3, 0, b, new Operand[] {x, x}, all(2), "same signs; the zero delta is not considered");
        assertCounts(3, 0, b, new Operand[] {x, x, x}, all(3), "three identical models");
        assertCounts(0, 0, b, new Operand[] {x}, all(1), "one model is never considered");
    }

    @Test
    void oppositeModelsConflictWhereverBothAreNonzero() {
        Operand b = f32(0f, 1f, -1f, 2f, 5f);
        Operand up = f32(1f, 1.5f, -3f, 2f, 4f);      // δ = 1, 0.5, −2, 0, −1
        Operand down = f32(-1f, 0.5f, 1f, 2f, 6f);    // δ = −1, −0.5, 2, 0, 1
        assertCounts(4, 4, b, new Operand[] {up, down}, all(2), "opposite task vectors");
        assertCounts(4, 4, b, new Operand[] {down, up}, all(2), "in the other order");
    }

    @Test
    void disjointSparseDeltasAreNotConsidered() {
        Operand b = f32(0f, 0f, 0f, 0f);
        Operand[] xs = {f32(1f, 0f, 0f, 0f), f32(0f, -1f, 0f, 0f), f32(0f, 0f, 2f, 0f)};
        assertCounts(0, 0, b, xs, all(3), "at most one nonzero delta per element");
    }

    @Test
    void zeroAndNaNDeltasHaveNoSign() {
        float tiny = Float.MIN_VALUE;
        //            0     1     2      3    4      5     6     7
        Operand b = f32(0f, 0f, 0f, INF, 0f, 0f, NAN, 1f);
        Operand x0 = f32(1f, NAN, 1f, INF, -0f, tiny, 1f, 1f);
        Operand x1 = f32(-1f, -1f, 0f, INF, 1f, -tiny, 1f, 1f + Math.ulp(1f));
        // 0: + and −; 1: NaN and −; 2: + and 0; 3: ∞ − ∞ = NaN twice; 4: −0 and +; 5: subnormal + and −;
        // 6: NaN base; 7: 0 and + (one ulp)
        assertCounts(2, 2, b, new Operand[] {x0, x1}, all(2), "only elements 0 and 5 have two signed deltas");
    }

    @Test
    void masksExcludeModels() {
        Operand b = f32(0f, 0f, 0f, 0f, 0f);
        Operand up = f32(1f, 2f, 3f, 4f, 5f);
        Operand down = f32(-5f, -4f, -3f, -2f, -1f);
        Operand[] xs = {up, down};
        assertCounts(0, 0, b, xs, new Mask[] {new Mask.All(), new Mask.None()}, "model 1 masked out");
        assertCounts(0, 0, b, xs, new Mask[] {new Mask.None(), new Mask.None()}, "both masked out");
        Keys downKeys = new Keys.DeltaMagnitude(down, b);
        Threshold two = Selection.top(engines.get(0), downKeys, 2);
        assertCounts(2, 2, b, xs, new Mask[] {new Mask.All(), new Mask.Top(downKeys, two)},
                "model 1 keeps its two largest deltas, elements 0 and 1");
        Keys upKeys = new Keys.DeltaMagnitude(up, b);
        Mask upTop = new Mask.Top(upKeys, Selection.top(engines.get(0), upKeys, 3));
        assertCounts(0, 0, b, xs, new Mask[] {upTop, new Mask.Top(downKeys, two)},
                "model 0 keeps elements 2, 3, 4 and model 1 elements 0, 1: no overlap");
        assertCounts(1, 1, b, xs, new Mask[] {upTop, new Mask.Top(downKeys, Selection.top(engines.get(0), downKeys,
                3))}, "model 0 keeps elements 2, 3, 4 and model 1 elements 0, 1, 2: they meet at 2");
    }

    @Test
    void threeModelsWithMixedSigns() {
        Operand b = f32(0f, 0f, 0f, 0f, 0f, 0f, 0f);
        //                  0   1    2    3    4    5    6
        Operand x0 = f32(1f, 1f, 1f, 0f, 2f, -1f, 0f);
        Operand x1 = f32(2f, 3f, 0f, 0f, NAN, -2f, 0f);
        Operand x2 = f32(3f, -1f, -1f, -1f, 1f, 0f, 0f);
        Operand[] xs = {x0, x1, x2};
        // considered: 0 (+++), 1 (++−), 2 (+0−), 4 (+ NaN +), 5 (−−0); conflicting: 1, 2
        assertCounts(5, 2, b, xs, all(3), "all kept");
        // without model 2: 0 (++), 1 (++), 4 (+ NaN: one), 5 (−−) considered, none conflicting
        assertCounts(3, 0, b, xs, new Mask[] {new Mask.All(), new Mask.All(), new Mask.None()}, "model 2 dropped");
        // without model 1: 0 (++), 1 (+−), 2 (+−), 4 (++) considered; 1 and 2 conflicting
        assertCounts(4, 2, b, xs, new Mask[] {new Mask.All(), new Mask.None(), new Mask.All()}, "model 1 dropped");
    }

    @Test
    void countsAddUpAcrossChunksAndPieces() {
        int n = 2 * Threshold.CHUNK + 7;
        float[] bv = new float[n];
        float[] up = new float[n];
        float[] down = new float[n];
        long nonzero = 0;
        for (int j = 0; j < n; j++) {
            bv[j] = j % 5;
            float d = j % 3 == 0 ? 0f : 0.5f;
            up[j] = bv[j] + d;
            down[j] = bv[j] - (j % 7 == 0 ? -d : d);
            nonzero += d != 0 ? 1 : 0;
        }
        long agreeing = 0;
        for (int j = 0; j < n; j++) {
            agreeing += j % 3 != 0 && j % 7 == 0 ? 1 : 0;
        }
        Operand b = f32(bv);
        assertCounts(nonzero, nonzero - agreeing, b, new Operand[] {f32(up), f32(down)}, all(2),
                n + " elements");
    }
}
