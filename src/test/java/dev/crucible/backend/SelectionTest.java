package dev.crucible.backend;

import dev.crucible.backend.cpu.CpuBackend;
import dev.crucible.io.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Selection against a brute-force sort in the order of merge-methods.md §2.13 (key descending, then index ascending).
 * Kept sets are evaluated chunk by chunk with the rule of numerics-and-gpu.md §5.3, so a wrong tie prefix shows.
 * Inputs draw from a few values, so most keys tie, and ties straddle chunk boundaries at the larger sizes.
 */
class SelectionTest {
    /** Exact in BF16 and closed under subtraction up to a few magnitudes; signed zeros included. */
    private static final float[] FEW = {-2f, -1f, -0.5f, -0.25f, -0f, 0f, 0.25f, 0.5f, 1f};

    private final Backend backend = CpuBackend.reference();

    @Test
    void specExampleKeepsTheLargestAndTheLowestIndicesAmongTies() {
        float[] delta = {0.5f, -0.5f, 0.25f, 0.5f, 1.0f, -0.5f};
        for (DType dtype : new DType[] {DType.F32, DType.BF16}) {
            Keys keys = new Keys.DeltaMagnitude(operand(dtype, delta), operand(DType.F32, new float[6]));
            long k = (long) (0.5 * delta.length);
            Threshold t = Selection.top(backend, keys, k);

            assertEquals(Float.floatToRawIntBits(0.5f), t.key());
            assertEquals(2, t.ties(), "one key above 0.5, so 2 of the 4 ties are kept");
            assertArrayEquals(new boolean[] {true, true, false, false, true, false},
                    apply(t, magnitudeKeys(delta, new float[6])));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 31, 4097, 200_000})
    void keepsExactlyTheTopKWithManyTies(int numel) {
        Random random = new Random(numel);
        float[] x = few(random, numel);
        float[] b = few(random, numel);
        int[] keys = magnitudeKeys(x, b);
        int[] rank = ranks(keys);
        long[] ks = {0, 1, numel / 3, numel / 2, numel - 1, numel, 1 + random.nextInt(numel)};
        for (DType dtype : new DType[] {DType.F32, DType.BF16}) {
            Keys selected = new Keys.DeltaMagnitude(operand(dtype, x), operand(DType.F32, b));
            for (long k : ks) {
                Threshold t = Selection.top(backend, selected, k);
                assertArrayEquals(topByRank(rank, k), apply(t, keys), dtype + " k=" + k);
            }
        }
    }

    @Test
    void nanMagnitudesExceedInfinityAndSignedZerosShareAKey() {
        float[] x = {Float.NaN, Float.POSITIVE_INFINITY, -0f, 0f, Float.intBitsToFloat(0xFFC00000), 1f, -0f};
        float[] b = new float[x.length];
        Keys keys = new Keys.DeltaMagnitude(operand(DType.F32, x), operand(DType.F32, b));

        assertArrayEquals(new boolean[] {true, false, false, false, true, false, false},
                apply(Selection.top(backend, keys, 2), magnitudeKeys(x, b)), "both NaNs above +Inf");
        assertArrayEquals(new boolean[] {true, true, true, false, true, true, false},
                apply(Selection.top(backend, keys, 5), magnitudeKeys(x, b)), "−0 at index 2 before +0 at 3");
        assertEquals(3, Selection.countKey(backend, keys, 0));
    }

    @Test
    void signedKeysOrderValuesNumerically() {
        float[] v = {0.5f, -3f, 0f, Float.NEGATIVE_INFINITY, -0f, 2f, -3f, Float.NaN, 1e-45f, -1e-45f};
        float[] sorted = v.clone();
        Arrays.sort(sorted); // numeric order, −0 before +0, NaN last: the order of signed keys
        Keys keys = new Keys.Signed(operand(DType.F32, v));
        for (int k = 1; k <= v.length; k++) {
            float value = Selection.signedKeyToFloat(Selection.kthLargestKey(backend, keys, k));
            assertEquals(Float.floatToRawIntBits(sorted[v.length - k]), Float.floatToRawIntBits(value), "k=" + k);
        }
    }

    @Test
    void quantilesOfSignedValuesMatchTheSortedArray() {
        Random random = new Random(7);
        float[] v = new float[4097];
        for (int j = 0; j < v.length; j++) {
            v[j] = (float) random.nextGaussian();
        }
        float[] sorted = v.clone();
        Arrays.sort(sorted);
        Keys keys = new Keys.Signed(operand(DType.F32, v));
        for (double q : new double[] {0.25, 0.5, 0.75}) {
            int i = (int) (q * (v.length - 1));
            float quantile = Selection.signedKeyToFloat(Selection.kthLargestKey(backend, keys, v.length - i));
            assertEquals(sorted[i], quantile, "q=" + q);
        }
    }

    @Test
    void varianceKeysSelectTheMostDisagreedElements() {
        int numel = 70_000;
        Random random = new Random(3);
        float[][] xs = {few(random, numel), few(random, numel), few(random, numel)};
        float[] b = few(random, numel);
        int[] keys = new int[numel];
        for (int j = 0; j < numel; j++) {
            float d0 = xs[0][j] - b[j];
            float d1 = xs[1][j] - b[j];
            float d2 = xs[2][j] - b[j];
            float mean = (d0 + d1 + d2) / 3f;
            float var = ((d0 - mean) * (d0 - mean) + (d1 - mean) * (d1 - mean) + (d2 - mean) * (d2 - mean)) / 3f;
            keys[j] = Float.floatToRawIntBits(var) & 0x7FFFFFFF;
        }
        Operand[] models = {operand(DType.BF16, xs[0]), operand(DType.BF16, xs[1]), operand(DType.BF16, xs[2])};
        Keys variance = new Keys.DeltaVariance(models, operand(DType.F32, b));

        long zeros = IntStream.of(keys).filter(key -> key == 0).count();
        assertEquals(zeros, Selection.countKey(backend, variance, 0));
        int[] rank = ranks(keys);
        for (long k : new long[] {1, 12_345, numel - zeros, numel - zeros + 1}) {
            assertArrayEquals(topByRank(rank, k), apply(Selection.top(backend, variance, k), keys), "k=" + k);
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.01, 0.0003, 0.0})
    void breadcrumbsBandKeepsTheMiddleRanks(double gamma) {
        int numel = 4097;
        double density = 0.9;
        long targetN = (long) (density * numel);
        long nTop = (long) (gamma * numel);
        long nBot = numel - targetN - nTop;
        Random random = new Random(11);
        float[] x = few(random, numel);
        float[] b = few(random, numel);
        int[] keys = magnitudeKeys(x, b);
        Keys selected = new Keys.DeltaMagnitude(operand(DType.F32, x), operand(DType.F32, b));

        boolean[] within = apply(Selection.top(backend, selected, numel - nBot), keys);
        boolean[] excluded = apply(Selection.top(backend, selected, nTop), keys);
        int[] rank = ranks(keys);
        for (int j = 0; j < numel; j++) {
            boolean expected = nTop <= rank[j] && rank[j] < numel - nBot;
            assertEquals(expected, within[j] && !excluded[j], "element " + j);
        }
    }

    @Test
    void rejectsCountsOutsideTheTensor() {
        Keys keys = new Keys.Signed(operand(DType.F32, new float[] {1f, 2f}));
        assertThrows(IllegalArgumentException.class, () -> Selection.top(backend, keys, -1));
        assertThrows(IllegalArgumentException.class, () -> Selection.top(backend, keys, 3));
        assertThrows(IllegalArgumentException.class, () -> Selection.kthLargestKey(backend, keys, 0));
        assertThrows(IllegalArgumentException.class, () -> Selection.kthLargestKey(backend, keys, 3));
    }

    /** Keeps {@code j} by the threshold rule, seeing only its chunk's tie prefix and the ties before it there. */
    private static boolean[] apply(Threshold t, int[] keys) {
        boolean[] keep = new boolean[keys.length];
        long tiesSeen = 0;
        for (int j = 0; j < keys.length; j++) {
            if (j % Threshold.CHUNK == 0) {
                tiesSeen = 0;
            }
            int order = Integer.compareUnsigned(keys[j], t.key());
            if (order == 0) {
                keep[j] = t.tiesBefore(j / Threshold.CHUNK) + tiesSeen < t.ties();
                tiesSeen++;
            } else {
                keep[j] = order > 0;
            }
        }
        return keep;
    }

    /** Rank of each element in the total order, 0 = greatest: key descending, then index ascending. */
    private static int[] ranks(int[] keys) {
        Integer[] order = IntStream.range(0, keys.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, (i, j) -> {
            int byKey = Integer.compareUnsigned(keys[j], keys[i]);
            return byKey != 0 ? byKey : Integer.compare(i, j);
        });
        int[] rank = new int[keys.length];
        for (int r = 0; r < order.length; r++) {
            rank[order[r]] = r;
        }
        return rank;
    }

    private static boolean[] topByRank(int[] rank, long k) {
        boolean[] keep = new boolean[rank.length];
        for (int j = 0; j < rank.length; j++) {
            keep[j] = rank[j] < k;
        }
        return keep;
    }

    private static int[] magnitudeKeys(float[] x, float[] b) {
        int[] keys = new int[x.length];
        for (int j = 0; j < x.length; j++) {
            keys[j] = Float.floatToRawIntBits(x[j] - b[j]) & 0x7FFFFFFF;
        }
        return keys;
    }

    private static float[] few(Random random, int numel) {
        float[] v = new float[numel];
        for (int j = 0; j < numel; j++) {
            v[j] = FEW[random.nextInt(FEW.length)];
        }
        return v;
    }

    /** An off-heap operand holding {@code values}, which must be exact in {@code dtype}. */
    private static Operand operand(DType dtype, float[] values) {
        MemorySegment bytes = Arena.ofAuto().allocate(dtype.byteSize(values.length));
        for (int j = 0; j < values.length; j++) {
            int bits = Float.floatToRawIntBits(values[j]);
            switch (dtype) {
                case F32 -> bytes.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, j, bits);
                case BF16 -> {
                    if ((bits & 0xFFFF) != 0) {
                        throw new IllegalArgumentException(values[j] + " is not exact in BF16");
                    }
                    bytes.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, j, (short) (bits >>> 16));
                }
                default -> throw new IllegalArgumentException("no test operands of " + dtype);
            }
        }
        return new Operand(dtype, bytes, values.length);
    }
}
