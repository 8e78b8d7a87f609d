package dev.crucible.backend.cpu;

import dev.crucible.backend.Tensors;

import dev.crucible.backend.Backend;
import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.GtaSpec;
import dev.crucible.backend.GtaSpec.Consensus;
import dev.crucible.backend.Keys;
import dev.crucible.backend.Mask;
import dev.crucible.backend.Operand;
import dev.crucible.backend.Selection;
import dev.crucible.backend.Threshold;
import dev.crucible.io.DType;
import dev.crucible.rng.MaskKey;
import dev.crucible.rng.Philox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hand-computed answers for the reference engine, which the conformance test takes on trust: a mistake that both
 * CPU engines share (they run the same kernels) shows only here. Values are chosen so that every step is exact in
 * binary32, or rounds once where the expected value says so.
 */
class ReferenceGoldenTest {
    private static final Arena ARENA = Arena.ofAuto();
    private static CpuBackend reference;

    @BeforeAll
    static void start() {
        reference = CpuBackend.reference();
    }

    @AfterAll
    static void stop() {
        reference.close();
    }

    private static Operand f32(float... values) {
        return Tensors.of(ARENA, DType.F32, values);
    }

    private static float[] values(Operand o) {
        float[] v = new float[Math.toIntExact(o.numel())];
        for (int j = 0; j < v.length; j++) {
            v[j] = Tensors.value(o, j);
        }
        return v;
    }

    private static float[] gta(GtaSpec spec, Operand b, Operand... xs) {
        Operand out = Tensors.output(ARENA, DType.F32, b.numel(), (byte) 0x55);
        reference.gta(spec, b, xs, out);
        return values(out);
    }

    private static Mask[] all(int models) {
        Mask[] masks = new Mask[models];
        Arrays.fill(masks, new Mask.All());
        return masks;
    }

    private static float[] ones(int models) {
        float[] w = new float[models];
        Arrays.fill(w, 1f);
        return w;
    }

    /** Task arithmetic over one model: {@code r = b + δ·keep}. */
    private static GtaSpec keepOnly(Mask mask) {
        return new GtaSpec(new Mask[] {mask}, ones(1), false, ones(1), Consensus.NONE, false, 1f, 1f);
    }

    // ---- gta: sign election and divisors ---------------------------------------------------------------------------

    /**
     * One element, b = 1, δ = (3, −2, 2), w = (0.5, 2, 0.25), so wd = (1.5, −4, 0.5). The weighted sum −2 elects −
     * (SUM keeps only model 1); the sign count +1 −1 +1 and the unweighted sum 3 elect + (COUNT and SUM_UNWEIGHTED
     * drop model 1 and divide by the kept weights 0.5 + 0.25).
     */
    @Test
    void tiesElectionDropsTheDissentingModelsAndDividesByTheKeptWeights() {
        Operand b = f32(1f);
        Operand[] xs = {f32(4f), f32(-1f), f32(3f)};
        float[] w = {0.5f, 2f, 0.25f};
        record Case(Consensus consensus, boolean normalize, float divisor, float lambda, float expected) {
        }
        Case[] cases = {
            new Case(Consensus.NONE, false, 2.75f, 1f, -1f),          // 1 + (1.5 − 4 + 0.5)
            new Case(Consensus.NONE, true, 4f, 1f, 0.5f),             // 1 + (−2 / 4): the given divisor
            new Case(Consensus.SUM, false, 2.75f, 1f, -3f),           // 1 + (−4)
            new Case(Consensus.SUM, true, 2.75f, 1f, -1f),            // 1 + (−4 / 2)
            new Case(Consensus.SUM, true, 2.75f, 0.5f, 0f),           // 1 + (−4 / 2)·0.5
            new Case(Consensus.COUNT, false, 2.75f, 1f, 3f),          // 1 + (1.5 + 0.5)
            new Case(Consensus.COUNT, true, 2.75f, 1f, 3.6666667f),   // 1 + fl32(2 / 0.75)
            new Case(Consensus.SUM_UNWEIGHTED, true, 2.75f, 1f, 3.6666667f),
            new Case(Consensus.SUM_UNWEIGHTED, false, 2.75f, 0.7f, 2.4f), // 1 + fl32(2·0.7)
        };
        for (Case c : cases) {
            GtaSpec spec = new GtaSpec(all(3), ones(3), false, w, c.consensus(), c.normalize(), c.divisor(), c.lambda());
            assertEquals(c.expected(), gta(spec, b, xs)[0], c.toString());
        }
    }

    /**
     * Elements whose votes are ties or empty: zero deltas are never kept, and with nothing kept the sum is 0 and the
     * divisor 1; a zero sum elects +; a NaN sum elects − (merge-methods.md §2.11).
     */
    @Test
    void electionCornerCases() {
        Operand b = f32(5f, 0f, 0f, 0f);
        Operand[] xs = {f32(5f, 2f, Float.NaN, -1f), f32(5f, -2f, 1f, 0f)};
        float[] w = {1f, 1f};
        GtaSpec spec = new GtaSpec(all(2), ones(2), false, w, Consensus.SUM, true, 2f, 1f);
        float[] r = gta(spec, b, xs);
        assertEquals(5f, r[0], "no delta: nothing kept, 0 / 1");
        assertEquals(2f, r[1], "2 − 2 = 0 elects +: model 0 alone, 2 / 1");
        assertEquals(0f, r[2], "NaN + 1 elects −, and neither NaN nor 1 is negative: nothing kept, 0 / 1");
        assertEquals(-1f, r[3], "−1 + 0 elects −: model 0 alone");
    }

    // ---- gta: top-k masks ------------------------------------------------------------------------------------------

    /** merge-methods.md §2.13's example: δ = [0.5, −0.5, 0.25, 0.5, 1.0, −0.5], k = 3 keeps indices {4, 0, 1}. */
    @Test
    void topKeepsTheLargestAndTheLowestIndicesAmongTies() {
        Operand b = f32(0f, 0f, 0f, 0f, 0f, 0f);
        Operand x = f32(0.5f, -0.5f, 0.25f, 0.5f, 1.0f, -0.5f);
        Keys keys = new Keys.DeltaMagnitude(x, b);
        assertArrayEquals(new float[] {0.5f, -0.5f, 0f, 0f, 1.0f, 0f},
                gta(keepOnly(new Mask.Top(keys, Selection.top(reference, keys, 3))), b, x));
        assertArrayEquals(new float[] {0f, 0f, 0f, 0f, 0f, 0f},
                gta(keepOnly(new Mask.Top(keys, Selection.top(reference, keys, 0))), b, x), "k = 0 keeps nothing");
        assertArrayEquals(values(x), gta(keepOnly(new Mask.Top(keys, Selection.top(reference, keys, 6))), b, x),
                "k = numel keeps everything");
        // breadcrumbs' band: ranks 1 and 2 (0-based) are indices 0 and 1
        Mask band = new Mask.Band(new Mask.Top(keys, Selection.top(reference, keys, 3)),
                new Mask.Top(keys, Selection.top(reference, keys, 1)));
        assertArrayEquals(new float[] {0.5f, -0.5f, 0f, 0f, 0f, 0f}, gta(keepOnly(band), b, x), "band");
    }

    /** Equal magnitudes across a tie chunk: exactly the first k are kept, whichever chunk they are in. */
    @Test
    void topTiesAcrossAChunkKeepTheLowestIndices() {
        int n = Threshold.CHUNK + 3;
        float[] delta = new float[n];
        for (int j = 0; j < n; j++) {
            delta[j] = j % 2 == 0 ? 1f : -1f;
        }
        delta[7] = 2f;
        Operand b = f32(new float[n]);
        Operand x = f32(delta);
        Keys keys = new Keys.DeltaMagnitude(x, b);
        long k = Threshold.CHUNK + 1; // index 7, then the first 65,536 of the ±1 ties: indices 0 … 65536
        Threshold t = Selection.top(reference, keys, k);
        assertEquals(Float.floatToRawIntBits(1f), t.key());
        assertEquals(k - 1, t.ties());
        float[] r = gta(keepOnly(new Mask.Top(keys, t)), b, x);
        for (int j = 0; j < n; j++) {
            assertEquals(j <= Threshold.CHUNK ? delta[j] : 0f, r[j], "element " + j);
        }
    }

    // ---- gta: random masks -----------------------------------------------------------------------------------------

    /** p = 1 keeps every element, p = 0 none; p = 0.37 keeps exactly where Philox's draw is below ⌊0.37·2^32⌋. */
    @Test
    void bernoulliKeepsByPhiloxDraws() {
        int n = 1000;
        float[] xv = new float[n];
        for (int j = 0; j < n; j++) {
            xv[j] = j + 1;
        }
        Operand b = f32(new float[n]);
        Operand x = f32(xv);
        long key = MaskKey.of(42, "t", 0);
        assertArrayEquals(xv, gta(keepOnly(new Mask.Bernoulli(key, 1.0)), b, x), "p = 1");
        assertArrayEquals(new float[n], gta(keepOnly(new Mask.Bernoulli(key, 0.0)), b, x), "p = 0");
        float[] r = gta(keepOnly(new Mask.Bernoulli(key, 0.37)), b, x);
        long threshold = (long) Math.floor(0.37 * 0x1p32);
        int kept = 0;
        for (int j = 0; j < n; j++) {
            boolean keep = Philox.draw(key, j) < threshold;
            kept += keep ? 1 : 0;
            assertEquals(keep ? xv[j] : 0f, r[j], "element " + j);
        }
        assertTrue(kept > 300 && kept < 440, kept + " of 1000 kept at p = 0.37");
        // inverse p: kept elements are δ / p, rounded once from binary64
        GtaSpec inverse = new GtaSpec(new Mask[] {new Mask.Bernoulli(key, 0.37)}, ones(1), true, ones(1),
                Consensus.NONE, false, 1f, 1f);
        float[] scaled = gta(inverse, b, x);
        for (int j = 0; j < n; j++) {
            assertEquals(r[j] != 0f ? (float) (xv[j] / 0.37) : 0f, scaled[j], "element " + j + ", inverse p");
        }
        GtaSpec certain = new GtaSpec(new Mask[] {new Mask.Bernoulli(key, 1.0)}, ones(1), true, ones(1),
                Consensus.NONE, false, 1f, 1f);
        assertArrayEquals(xv, gta(certain, b, x), "inverse p = 1 leaves δ");
    }

    /**
     * DELLA on rows of three: |δ| = (1, 3, 2) ranks (1, 3, 2), so p = (ε below, ε above, exactly) the density; equal
     * magnitudes rank the higher index lower, so (2, 2, 2) gets p = (0.6, 0.5, 0.4). A fibre of one gets the density.
     */
    @Test
    void dellaKeepProbabilitiesFollowTheRanks() {
        int rows = 400;
        float[] delta = new float[3 * rows];
        for (int r = 0; r < rows; r++) {
            float[] row = r % 2 == 0 ? new float[] {1f, 3f, 2f} : new float[] {2f, 2f, 2f};
            for (int i = 0; i < 3; i++) {
                delta[3 * r + i] = (r % 3 == 0 ? -1 : 1) * row[i] * (1 + r);
            }
        }
        double lowest = 0.5 - 0.1;
        double[][] p = {{lowest, lowest + 2 * 0.1, lowest + 0.5 * (2 * 0.1)},
                        {lowest + 2 * 0.1, lowest + 0.5 * (2 * 0.1), lowest}};
        Operand b = f32(new float[delta.length]);
        Operand x = f32(delta);
        long key = MaskKey.of(7, "della", 1);
        Mask della = new Mask.Della(new Keys.DeltaMagnitude(x, b), key, 0.5, 0.1,
                FibreLayout.lastDim(new long[] {rows, 3}));
        float[] r = gta(new GtaSpec(new Mask[] {della}, ones(1), true, ones(1), Consensus.NONE, false, 1f, 1f), b, x);
        int kept = 0;
        for (int j = 0; j < delta.length; j++) {
            double pj = p[j / 3 % 2][j % 3];
            boolean keep = Philox.keep(key, j, Philox.threshold(pj));
            kept += keep ? 1 : 0;
            assertEquals(keep ? (float) (delta[j] / pj) : 0f, r[j], "element " + j + ", p = " + pj);
        }
        assertTrue(kept > 480 && kept < 720, kept + " of 1200 kept at p ≈ 0.5");

        Mask single = new Mask.Della(new Keys.DeltaMagnitude(x, b), key, 0.5, 0.1,
                FibreLayout.lastDim(new long[] {delta.length, 1}));
        float[] s = gta(keepOnly(single), b, x);
        for (int j = 0; j < delta.length; j++) {
            boolean keep = Philox.keep(key, j, Philox.threshold(lowest + 0.5 * (2 * 0.1)));
            assertEquals(keep ? delta[j] : 0f, s[j], "element " + j + " of fibres of one");
        }
    }

    // ---- the other primitives --------------------------------------------------------------------------------------

    @Test
    void ramAveragesSharedDeltasAndScalesUniqueOnes() {
        Operand b = f32(0f, 0f, 0f, 1f);
        Operand[] xs = {f32(1f, 2f, 0.25f, 1f), f32(0f, 4f, 0f, 1.5f)};
        Operand out = Tensors.output(ARENA, DType.F32, 4, (byte) 0);
        reference.ram(b, xs, 0.5f, null, out);
        assertArrayEquals(new float[] {1f, 3f, 0f, 1f}, values(out), "unique 1; shared (2 + 4)/2; none; none");
        reference.ram(b, xs, 0.5f, new float[] {3f, 5f}, out);
        assertArrayEquals(new float[] {3f, 3f, 0f, 1f}, values(out), "a unique delta scaled by its λ");
        assertArrayEquals(new long[] {1, 1, 1, 0}, reference.ramCounts(b, xs, 0.5f));
    }

    @Test
    void sceKeepsTheElectedSignWeighted() {
        Operand b = f32(0f, 0f);
        Operand[] xs = {f32(1f, 1f), f32(-3f, 2f), f32(0.5f, -4f)};
        Operand out = Tensors.output(ARENA, DType.F32, 2, (byte) 0);
        reference.sce(b, xs, new Mask.All(), new float[] {1f, 1f, 2f}, out);
        // element 0: S = −1.5 elects −, only model 1: −3·1 / 1; element 1: S = −1 elects −: −4·2 / 2
        assertArrayEquals(new float[] {-3f, -4f}, values(out));
        assertArrayEquals(new double[] {2, 13, 16.25}, reference.sumSquares(b, xs, new Mask.All()));
    }

    @Test
    void modelStockNearswapAndBlend() {
        Operand b = f32(1f, 0f);
        Operand[] xs = {f32(2f, 2f), f32(4f, 0f)};
        Operand out = Tensors.output(ARENA, DType.F32, 2, (byte) 0);
        reference.modelStock(b, xs, new float[] {0.5f, 0.25f}, new float[] {0.5f, 0.75f},
                FibreLayout.lastDim(new long[] {2, 1}), out);
        assertArrayEquals(new float[] {2f, 0.25f}, values(out), "0.5·3 + 0.5·1; 0.25·1 + 0.75·0");
        reference.nearswap(b, xs[0], 0.5f, out);
        assertArrayEquals(new float[] {1.5f, 0.5f}, values(out), "d = 1: ω = 0.5; d = 2: ω = 0.25");
        reference.nearswap(b, b, 0.5f, out);
        assertArrayEquals(new float[] {1f, 0f}, values(out), "d = 0: ω = 1, so x");
        reference.blend(b, xs, new float[] {0.5f, 0.25f, 2f, -1f}, FibreLayout.lastDim(new long[] {2, 1}), out);
        assertArrayEquals(new float[] {2.25f, 4f}, values(out), "1 + (0.5·1 + 0.25·3); 0 + (2·2 − 1·0)");
    }

    @Test
    void gramPairsPerFibre() {
        Operand[] xs = {f32(1f, 2f, 3f, 4f), f32(5f, 6f, 7f, 8f)};
        assertArrayEquals(new double[] {30, 70, 174}, reference.gram(null, xs, FibreLayout.whole(4)));
        // columns of [2, 2]: fibre 0 is elements 0 and 2, fibre 1 elements 1 and 3
        assertArrayEquals(new double[] {10, 26, 74, 20, 44, 100},
                reference.gram(null, xs, FibreLayout.alongDim(new long[] {2, 2}, 0)));
        Operand b = f32(1f, 1f, 1f, 1f);
        assertArrayEquals(new double[] {14, 38, 126}, reference.gram(b, xs, FibreLayout.whole(4)), "with a base");
    }

    /**
     * The reduction topology of numerics-and-gpu.md §6, which a sequential sum does not reproduce: 2^53 + 1 + 1 is
     * 2^53 left to right, but lanes 1 and 3 meet first in the tree (1 + 1 = 2) and 2^53 + 2 is exact. The same holds
     * one level up, for chunk partials.
     */
    @Test
    void reductionsFollowTheFixedTopology() {
        float big = 0x1p53f;
        float[] within = {big, 1f, 0f, 1f};
        assertEquals(0x1p53 + 2, reference.l1(f32(new float[4]), f32(within), new Mask.All())[0]);
        int n = 3 * Threshold.CHUNK + 1;
        float[] across = new float[n];
        across[0] = big;
        across[Threshold.CHUNK] = 1f;
        across[3 * Threshold.CHUNK] = 1f;
        double[] sums = reference.l1(f32(new float[n]), f32(across), new Mask.None());
        assertEquals(0x1p53 + 2, sums[0], "chunk partials 2^53, 1, 0, 1");
        assertEquals(0.0, sums[1], "nothing kept");
    }
}
