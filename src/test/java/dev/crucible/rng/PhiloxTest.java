package dev.crucible.rng;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Philox4x32-10 against Random123's known answers, and Crucible's draw and threshold (numerics-and-gpu.md §4). */
class PhiloxTest {

    private static int word(String hex) {
        return Integer.parseUnsignedInt(hex, 16);
    }

    /** Random123 {@code kat_vectors}: counter c0..c3, key k0 k1, output x0..x3. */
    @ParameterizedTest
    @CsvSource({
        "00000000, 00000000, 00000000, 00000000, 00000000, 00000000, 6627E8D5, E169C58D, BC57AC4C, 9B00DBD8",
        "FFFFFFFF, FFFFFFFF, FFFFFFFF, FFFFFFFF, FFFFFFFF, FFFFFFFF, 408F276D, 41C83B0E, A20BC7C6, 6D5451FD",
        "243F6A88, 85A308D3, 13198A2E, 03707344, A4093822, 299F31D0, D16CFE09, 94FDCCEB, 5001E420, 24126EA1",
    })
    void knownAnswers(String c0, String c1, String c2, String c3, String k0, String k1,
            String x0, String x1, String x2, String x3) {
        assertArrayEquals(new int[] {word(x0), word(x1), word(x2), word(x3)},
                Philox.block(word(c0), word(c1), word(c2), word(c3), word(k0), word(k1)));
    }

    /** The hot-path copy of the rounds must agree with the reference, including at the extremes of key and index. */
    @Test
    void drawIsBlockWordZero() {
        long[] edges = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0xFFFFFFFFL, 1L << 32};
        for (long key : edges) {
            for (long j : edges) {
                assertDrawMatchesBlock(key, j);
            }
        }
        SplittableRandom random = new SplittableRandom(20251123);
        for (int i = 0; i < 100_000; i++) {
            assertDrawMatchesBlock(random.nextLong(), random.nextLong());
        }
    }

    private static void assertDrawMatchesBlock(long key, long j) {
        int x0 = Philox.block((int) j, (int) (j >>> 32), 0, 0, (int) key, (int) (key >>> 32))[0];
        assertEquals(Integer.toUnsignedLong(x0), Philox.draw(key, j), () -> "key " + key + ", j " + j);
    }

    @ParameterizedTest
    @CsvSource({
        "0.0,                    0",
        "-0.0,                   0",
        "-0.25,                  0",
        "-Infinity,              0",
        "4.9E-324,               0",
        "2.3283064365386963E-10, 1",
        "0.1,                    429496729",
        "0.5,                    2147483648",
        "0.9999999999999999,     4294967295",
        "1.0,                    4294967296",
        "1.5,                    4294967296",
        "Infinity,               4294967296",
    })
    void threshold(double p, long expected) {
        assertEquals(expected, Philox.threshold(p));
    }

    @Test
    void nanThresholdIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Philox.threshold(Double.NaN));
    }

    /** T = 2^32 exceeds every u, so p = 1 keeps all; T = 0 is below every u, so p = 0 keeps none. */
    @Test
    void probabilityOneKeepsAllAndZeroKeepsNone() {
        long all = Philox.threshold(1);
        long none = Philox.threshold(0);
        for (long j = 0; j < 10_000; j++) {
            assertTrue(Philox.keep(7, j, all));
            assertFalse(Philox.keep(7, j, none));
        }
    }

    /** Over consecutive indices, as the kernels use them, the kept fraction at p = 0.3 is within 4σ of p. */
    @Test
    void keptFractionMatchesProbability() {
        int n = 1_000_000;
        double p = 0.3;
        long key = MaskKey.of(0, "model.layers.0.self_attn.q_proj.weight", 0);
        long threshold = Philox.threshold(p);
        long kept = 0;
        for (long j = 0; j < n; j++) {
            if (Philox.keep(key, j, threshold)) {
                kept++;
            }
        }
        double sigma = Math.sqrt(p * (1 - p) / n);
        double fraction = (double) kept / n;
        assertTrue(Math.abs(fraction - p) < 4 * sigma, () -> "kept fraction " + fraction + ", 4σ = " + 4 * sigma);
    }
}
