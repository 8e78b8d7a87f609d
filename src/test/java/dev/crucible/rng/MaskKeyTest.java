package dev.crucible.rng;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The key derivation's components (numerics-and-gpu.md §4.2, component checks). */
class MaskKeyTest {

    @Test
    void fnvOfEmptyInputIsTheOffsetBasis() {
        assertEquals(0xCBF29CE484222325L, MaskKey.fnv1a64(new byte[0]));
    }

    @Test
    void fnvOfA() {
        assertEquals(0xAF63DC4C8601EC8CL, MaskKey.fnv1a64("a".getBytes(StandardCharsets.US_ASCII)));
    }

    /** A byte above 0x7F must be hashed unsigned (0xFF, not sign-extended −1): the offset basis xor 0xFF, times the prime. */
    @Test
    void fnvHashesBytesUnsigned() {
        assertEquals((0xCBF29CE484222325L ^ 0xFF) * 0x100000001B3L, MaskKey.fnv1a64(new byte[] {(byte) 0xFF}));
    }

    /** The first SplitMix64 output for seed 0 is the finalizer applied to the golden-ratio increment. */
    @Test
    void mix64OfGoldenRatio() {
        assertEquals(0xE220A8397B1DCDAFL, MaskKey.mix64(0x9E3779B97F4A7C15L));
    }

    @Test
    void mix64OfOne() {
        assertEquals(0x5692161D100B05E5L, MaskKey.mix64(1));
    }

    @Test
    void keyBytesAreSeedLittleEndianNameUtf8NulModelLittleEndian() {
        byte[] expected = {
            0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,
            'w', (byte) 0xC3, (byte) 0xA9,
            0x00,
            0x0D, 0x0C, 0x0B, 0x0A,
        };
        assertArrayEquals(expected, MaskKey.keyBytes(0x0102030405060708L, "wé", 0x0A0B0C0D));
    }

    @Test
    void everyInputChangesTheKey() {
        long key = MaskKey.of(42, "w", 0);
        assertNotEquals(key, MaskKey.of(43, "w", 0));
        assertNotEquals(key, MaskKey.of(42, "v", 0));
        assertNotEquals(key, MaskKey.of(42, "w", 1));
    }

    @Test
    void negativeModelIndexIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> MaskKey.of(0, "w", -1));
    }

    @Test
    void nullNameIsRejected() {
        assertThrows(NullPointerException.class, () -> MaskKey.of(0, null, 0));
    }
}
