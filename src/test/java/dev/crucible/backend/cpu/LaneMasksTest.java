package dev.crucible.backend.cpu;

import dev.crucible.backend.Tensors;

import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.Keys;
import dev.crucible.backend.Mask;
import dev.crucible.backend.Operand;
import dev.crucible.backend.Selection;
import dev.crucible.io.DType;
import dev.crucible.rng.MaskKey;
import dev.crucible.rng.Philox;
import dev.crucible.rng.PhiloxLanes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The vector engine's mask evaluators ({@link MaskLanes}, {@link DellaLanes}, {@link TopLanes}, {@link MaskBits})
 * against {@link MaskCursor}, keep bit for keep bit, on inputs chosen for their paths: DELLA fibres whose keys
 * cluster into buckets holding several keys (draws between a range's thresholds), zeros, infinities and NaNs,
 * fibres of one and two elements, strided fibres, signed keys, a negative ε and probabilities outside (0, 1); and
 * ranges that start inside a fibre block and inside a tie-prefix chunk.
 */
class LaneMasksTest {
    private static final CpuBackend REFERENCE = CpuBackend.reference();
    private static Arena arena;

    @BeforeAll
    static void open() {
        arena = Arena.ofShared();
    }

    @AfterAll
    static void close() {
        arena.close();
    }

    /** Values a task vector takes here: a few clusters of nearby values, zeros and specials. */
    private static float delta(SplittableRandom random) {
        return switch (random.nextInt(12)) {
            case 0 -> 0f;
            case 1 -> random.nextInt(3) == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
            case 2 -> Float.intBitsToFloat(0x3B00_0000 + random.nextInt(64)); // many keys within a few ulps
            default -> (random.nextInt(8) - 4) * 0.002f + Math.ulp(0.002f) * random.nextInt(3);
        };
    }

    private static Operand[] operands(long n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] b = new float[(int) n];
        float[] x = new float[(int) n];
        for (int i = 0; i < n; i++) {
            b[i] = (float) random.nextGaussian();
            x[i] = b[i] + delta(random);
        }
        return new Operand[] {Tensors.of(arena, DType.F32, x), Tensors.of(arena, DType.F32, b)};
    }

    static Stream<Arguments> dellas() {
        List<Arguments> cases = new ArrayList<>();
        long[][] shapes = {{1}, {7, 1}, {5, 2}, {3, 17}, {4, 1000}, {2, 5632}, {2, 7, 5}, {3, 300, 4}};
        double[][] densityEpsilon = {{0.5, 0.15}, {0.5, -0.2}, {0.9, 0.3}, {0.05, 0.1}};
        for (long[] shape : shapes) {
            for (double[] de : densityEpsilon) {
                cases.add(Arguments.of(shape, de[0], de[1]));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("dellas")
    void dellaMatchesCursor(long[] shape, double density, double epsilon) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        Operand[] xb = operands(n, n * 31 + (long) (density * 100));
        FibreLayout fibres = FibreLayout.alongDim(shape, 1);
        Keys magnitudes = new Keys.DeltaMagnitude(xb[0], xb[1]);
        Keys signed = new Keys.Signed(xb[0]);
        for (Keys keys : new Keys[] {magnitudes, signed}) {
            Mask mask = new Mask.Della(keys, MaskKey.of(7, "t", 0), density, epsilon, fibres);
            assertSameKeep(mask, n, 0);
            assertSameKeep(mask, n, n / 3); // a range that starts inside a block
        }
    }

    @Test
    void topBandAndBernoulliMatchCursor() {
        long n = 3L * Tiles.SIZE * 40 + 77; // past a tie-prefix chunk
        Operand[] xb = operands(n, 5);
        Keys keys = new Keys.DeltaMagnitude(xb[0], xb[1]);
        for (long k : new long[] {1, n / 3, n / 2, n - 5}) {
            Mask top = new Mask.Top(keys, Selection.top(REFERENCE, keys, k));
            assertSameKeep(top, n, 0);
            assertSameKeep(top, n, 70_001); // inside a chunk, after ties
        }
        Mask within = new Mask.Top(keys, Selection.top(REFERENCE, keys, n - n / 4));
        Mask excluded = new Mask.Top(keys, Selection.top(REFERENCE, keys, n / 5));
        assertSameKeep(new Mask.Band(within, excluded), n, 0);
        for (double p : new double[] {0, 1e-12, 0.37, 0.9999999999, 1, 1.5}) {
            assertSameKeep(new Mask.Bernoulli(MaskKey.of(3, "t", 1), p), n, 0);
        }
    }

    @Test
    void recordedBitsReadBackAtAnyOffset() {
        long n = 5L * Tiles.SIZE + 13;
        MaskLanes bernoulli = MaskLanes.of(new Mask.Bernoulli(11, 0.5));
        MaskBits bits = new MaskBits(n);
        boolean[] keep = new boolean[Tiles.SIZE];
        boolean[][] all = new boolean[1][(int) n];
        for (long from = 0; from < n; from += Tiles.SIZE) {
            int m = (int) Math.min(Tiles.SIZE, n - from);
            bernoulli.fill(from, m, keep);
            bits.record(from, m, keep);
            System.arraycopy(keep, 0, all[0], (int) from, m);
        }
        for (long from : new long[] {0, 1, 63, 64, 1000, n - 7}) {
            int m = (int) Math.min(Tiles.SIZE, n - from);
            bits.fill(from, m, keep);
            for (int i = 0; i < m; i++) {
                assertEquals(all[0][(int) (from + i)], keep[i], "element " + (from + i));
            }
        }
    }

    @Test
    void philoxLanesAreDraws() {
        int[] out = new int[Tiles.SIZE];
        for (long key : new long[] {0, -1, 0x0298A3C0F60372ECL}) {
            for (long first : new long[] {0, 5, 0xFFFF_FFF0L, (1L << 40) - 3, -40}) {
                for (int n : new int[] {1, 31, 32, 33, 100, Tiles.SIZE}) {
                    PhiloxLanes.draws(key, first, out, n);
                    for (int i = 0; i < n; i++) {
                        assertEquals(Philox.draw(key, first + i), out[i] & 0xFFFF_FFFFL, "element " + (first + i));
                    }
                }
            }
        }
    }

    /** The lanes over consecutive tiles from {@code from} give the cursor's bits. */
    private static void assertSameKeep(Mask mask, long n, long from) {
        MaskLanes lanes = MaskLanes.of(mask);
        MaskCursor cursor = new MaskCursor(mask);
        boolean[] expected = new boolean[Tiles.SIZE];
        boolean[] actual = new boolean[Tiles.SIZE];
        for (long start = from; start < n; start += Tiles.SIZE) {
            int m = (int) Math.min(Tiles.SIZE, n - start);
            cursor.fill(start, start + m, expected, null);
            lanes.fill(start, m, actual);
            for (int i = 0; i < m; i++) {
                assertEquals(expected[i], actual[i], mask + ": element " + (start + i));
            }
        }
    }
}
