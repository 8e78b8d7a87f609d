package dev.crucible.rng;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The end-to-end test-vector table of numerics-and-gpu.md §4.2: seed 42, one tensor name, models 0 and 1. */
class Seed42VectorsTest {
    private static final long SEED = 42;
    private static final String NAME = "model.layers.0.mlp.down_proj.weight";

    private static long hex(String value) {
        return Long.parseUnsignedLong(value, 16);
    }

    @ParameterizedTest
    @CsvSource({
        "0, E5235D8D31BEA495, 0298A3C0F60372EC",
        "1, 4528B184DB88E804, 4D95D4A1515AB6F6",
    })
    void fnvAndKey(int m, String fnv, String key) {
        assertEquals(hex(fnv), MaskKey.fnv1a64(MaskKey.keyBytes(SEED, NAME, m)));
        assertEquals(hex(key), MaskKey.of(SEED, NAME, m));
    }

    /** m, j, u, keep at p = 0.5, keep at p = 0.1. */
    @ParameterizedTest
    @CsvSource({
        "0, 0,          0546CC72, true,  true",
        "0, 1,          A92A5C3A, false, false",
        "0, 2,          9F773DF2, false, false",
        "0, 3,          7F0A63A1, true,  false",
        "0, 4294967301, EEDFB9BE, false, false",
        "1, 0,          5F88BB1E, true,  false",
        "1, 1,          C67C014B, false, false",
        "1, 2,          3E948A0B, true,  false",
        "1, 3,          23095829, true,  false",
        "1, 4294967301, CB9CD2E8, false, false",
    })
    void drawsAndKeeps(int m, long j, String u, boolean keepHalf, boolean keepTenth) {
        long key = MaskKey.of(SEED, NAME, m);
        assertEquals(hex(u), Philox.draw(key, j));
        assertEquals(keepHalf, Philox.keep(key, j, Philox.threshold(0.5)));
        assertEquals(keepTenth, Philox.keep(key, j, Philox.threshold(0.1)));
    }
}
