package dev.crucible.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FloatFormatsTest {
    /** numerics-and-gpu.md §2.4, every row: binary32 bits, expected BF16, expected F16. */
    @ParameterizedTest(name = "{0} -> bf16 {1}, f16 {2}")
    @CsvSource({
        "00000001, 0000, 0000",
        "00018000, 0002, 0000",
        "80000000, 8000, 8000",
        "807FFFFF, 8080, 8000",
        "3F808000, 3F80, 3C04",
        "3F818000, 3F82, 3C0C",
        "3F80FFFF, 3F81, 3C08",
        "3F801000, 3F80, 3C00",
        "3F803000, 3F80, 3C02",
        "7F7F7FFF, 7F7F, 7C00",
        "7F7F8000, 7F80, 7C00",
        "7F800000, 7F80, 7C00",
        "FF800000, FF80, FC00",
        "477FE000, 4780, 7BFF",
        "477FEFFF, 4780, 7BFF",
        "477FF000, 4780, 7C00",
        "387FFFFF, 3880, 0400",
        "38800000, 3880, 0400",
        "33800000, 3380, 0001",
        "33400000, 3340, 0001",
        "33000000, 3300, 0000",
        "33000001, 3300, 0001",
        "33C00000, 33C0, 0002",
        "7FC00001, 7FC0, 7E00",
        "FFC00000, 7FC0, 7E00",
        "7F800001, 7FC0, 7E00",
    })
    void specVectors(String f32, String bf16, String f16) {
        float f = Float.intBitsToFloat(Integer.parseUnsignedInt(f32, 16));
        assertEquals(bf16, hex(FloatFormats.floatToBf16(f)), "bf16");
        assertEquals(f16, hex(FloatFormats.floatToF16(f)), "f16");
    }

    @Test
    void everyBf16WidensAndNarrowsBackToItself() {
        for (int h = 0; h < 0x10000; h++) {
            float f = FloatFormats.bf16ToFloat((short) h);
            assertEquals(h << 16, Float.floatToRawIntBits(f), "widening is a shift");
            int expected = Float.isNaN(f) ? 0x7FC0 : h;
            int pattern = h;
            assertEquals(expected, FloatFormats.floatToBf16(f) & 0xFFFF, () -> "bf16 " + Integer.toHexString(pattern));
        }
    }

    @Test
    void everyF16WidensExactlyAndNarrowsBackToItself() {
        for (int h = 0; h < 0x10000; h++) {
            float f = FloatFormats.f16ToFloat((short) h);
            int expected = Float.isNaN(f) ? 0x7E00 : h;
            int pattern = h;
            assertEquals(expected, FloatFormats.floatToF16(f) & 0xFFFF, () -> "f16 " + Integer.toHexString(pattern));
        }
    }

    @Test
    void f16NarrowingMatchesTheJdkOnRandomBitPatterns() {
        var random = new SplittableRandom(20240611);
        for (int i = 0; i < 2_000_000; i++) {
            float f = Float.intBitsToFloat(random.nextInt());
            if (!Float.isNaN(f)) {
                int bits = Float.floatToRawIntBits(f);
                assertEquals(Float.floatToFloat16(f), FloatFormats.floatToF16(f), () -> Integer.toHexString(bits));
            }
        }
    }

    /** Oracle: the nearer of the two neighbouring bf16 values, ties to the even one, computed in double. */
    @Test
    void bf16NarrowingRoundsToNearestEvenOnRandomBitPatterns() {
        var random = new SplittableRandom(7);
        for (int i = 0; i < 1_000_000; i++) {
            int bits = random.nextInt();
            float f = Float.intBitsToFloat(bits);
            if (!Float.isFinite(f)) {
                continue;
            }
            int magnitude = bits & 0x7FFFFFFF;
            int down = magnitude & 0xFFFF0000;
            int up = down + 0x10000;
            double value = Math.abs((double) f);
            double distanceDown = value - Float.intBitsToFloat(down);
            double upValue = up == 0x7F800000 ? Math.scalb(1.0, 128) : Float.intBitsToFloat(up);
            double distanceUp = upValue - value;
            int nearest = distanceDown < distanceUp ? down
                    : distanceUp < distanceDown ? up
                    : ((down >>> 16) & 1) == 0 ? down : up;
            int expected = (nearest >>> 16) | ((bits >>> 16) & 0x8000);
            assertEquals(expected, FloatFormats.floatToBf16(f) & 0xFFFF, () -> Integer.toHexString(bits));
        }
    }

    @Test
    void nanInputsGiveCanonicalNans() {
        int[] nans = {0x7F800001, 0x7FC00000, 0x7FFFFFFF, 0xFF800001, 0xFFC00000, 0xFFFFFFFF, 0x7FA00000};
        for (int bits : nans) {
            float nan = Float.intBitsToFloat(bits);
            assertEquals(0x7FC0, FloatFormats.floatToBf16(nan) & 0xFFFF);
            assertEquals(0x7E00, FloatFormats.floatToF16(nan) & 0xFFFF);
            assertEquals(0x7FC00000, FloatFormats.canonicalF32Bits(nan));
            assertEquals(0x7FC00000, Float.floatToRawIntBits(FloatFormats.canonicalF32(nan)));
        }
    }

    @Test
    void canonicalF32KeepsEveryOtherValueBitForBit() {
        int[] values = {0x00000000, 0x80000000, 0x00000001, 0x7F800000, 0xFF800000, 0x3F800000, 0x807FFFFF};
        for (int bits : values) {
            float f = Float.intBitsToFloat(bits);
            assertEquals(bits, FloatFormats.canonicalF32Bits(f));
            assertEquals(bits, Float.floatToRawIntBits(FloatFormats.canonicalF32(f)));
        }
    }

    private static String hex(short bits) {
        return String.format("%04X", bits & 0xFFFF);
    }
}
