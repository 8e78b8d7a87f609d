package dev.crucible.backend.cpu;

import dev.crucible.backend.Backend;
import dev.crucible.backend.DeviceTensor;
import dev.crucible.io.DType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.DoubleStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * CpuVector against the scalar oracle, byte for byte: the widened tensors and every stored output.
 * Sizes straddle the vector tails and the 2^20-element chunks; inputs are random bit patterns salted
 * with NaNs (both signs, quiet and signalling), infinities, zeros, subnormals and rounding ties; every
 * segment the engines read or write starts at an odd address.
 */
class CpuVectorTest {
    private static final int CHUNK = 1 << 20;
    private static final long[] SIZES = {0, 1, 7, 31, 4097, CHUNK + 13, 3L * CHUNK + 5};
    /** Coefficients for 1, 2 and 3 inputs: inexact, negative, underflowing and overflowing products. */
    private static final float[][] COEFFICIENTS = {{-1.7f}, {0.3f, 3e38f}, {1e-30f, -1.7f, 0.3f}};
    private static final DType[] OUTPUTS = {DType.BF16, DType.F16, DType.F32};

    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private static final long[] BF16_EDGES = {
        0x0000, 0x8000, 0x7F80, 0xFF80, 0x7FC0, 0xFFC0, 0x7F81, 0xFFFF, 0x0001, 0x807F, 0x0080, 0x7F7F};
    private static final long[] F16_EDGES = {
        0x0000, 0x8000, 0x7C00, 0xFC00, 0x7E00, 0xFE00, 0x7C01, 0xFFFF, 0x0001, 0x83FF, 0x0400, 0x7BFF};
    /** binary32 specials plus the F16 and BF16 rounding boundaries of numerics-and-gpu.md §2.4. */
    private static final long[] F32_EDGES = {
        0x0000_0000L, 0x8000_0000L, 0x7F80_0000L, 0xFF80_0000L, 0x7FC0_0000L, 0xFFC0_0000L, 0x7F80_0001L,
        0xFFFF_FFFFL, 0x0000_0001L, 0x807F_FFFFL, 0x0080_0000L, 0x7F7F_FFFFL, 0x7F7F_8000L, 0x3F80_8000L,
        0x477F_F000L, 0x477F_EFFFL, 0x3880_0000L, 0x387F_FFFFL, 0x3300_0000L, 0x3300_0001L, 0x33C0_0000L};
    /** binary64 specials, signalling NaNs whose payload does and does not survive, and binary32 ties. */
    private static final long[] F64_EDGES = LongStream.concat(
            LongStream.of(0x7FF0_0000_2000_0000L, 0xFFF0_0000_0000_0001L),
            DoubleStream.of(0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN,
                            Double.MIN_VALUE, Double.MAX_VALUE, Float.MIN_VALUE, Float.MIN_VALUE / 2.0,
                            Float.MAX_VALUE, 0x1.ffffffp127, 1.0 + 0x1p-24, -(1.0 + 0x3p-24))
                    .mapToLong(Double::doubleToRawLongBits))
            .toArray();

    private static final Backend REFERENCE = new CpuReference();
    private static CpuVector oneThread;
    private static CpuVector threeThreads;

    @BeforeAll
    static void startEngines() {
        oneThread = new CpuVector(1);
        threeThreads = new CpuVector(3);
    }

    @AfterAll
    static void stopEngines() {
        oneThread.close();
        threeThreads.close();
    }

    static Stream<Arguments> cases() {
        return Stream.of(DType.BF16, DType.F16, DType.F32, DType.F64).flatMap(dtype ->
                Stream.of(1, 2, 3).flatMap(inputs ->
                        Arrays.stream(SIZES).mapToObj(n -> Arguments.of(dtype, inputs, n))));
    }

    @ParameterizedTest(name = "{0}, {1} inputs, {2} elements")
    @MethodSource("cases")
    void weightedSumMatchesReference(DType dtype, int inputs, long n) {
        Random random = new Random(31L * n + 7L * inputs + dtype.ordinal());
        try (Arena arena = Arena.ofShared()) {
            MemorySegment[] xs = new MemorySegment[inputs];
            for (int m = 0; m < inputs; m++) {
                xs[m] = unaligned(arena, dtype.byteSize(n));
                for (long i = 0; i < n; i++) {
                    write(xs[m], dtype, i, randomBits(dtype, random));
                }
            }
            assertMatchesReference(arena, dtype, xs, n, COEFFICIENTS[inputs - 1]);
        }
    }

    /**
     * All 65,536 patterns, widened, multiplied by one (which keeps them) and stored in every format; in
     * a confined arena, which the engine must process on the calling thread instead of its workers.
     */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"BF16", "F16"})
    void everySixteenBitPatternMatchesReference(DType dtype) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = unaligned(arena, dtype.byteSize(1 << 16));
            for (int i = 0; i < 1 << 16; i++) {
                write(x, dtype, i, i);
            }
            assertMatchesReference(arena, dtype, new MemorySegment[] {x}, 1 << 16, new float[] {1f});
        }
    }

    /** Every 251st binary32 pattern, a prime stride that visits every exponent with varied low bits. */
    @Test
    void binary32SweepNarrowsLikeReference() {
        long n = (1L << 32) / 251 + 1;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment x = unaligned(arena, DType.F32.byteSize(n));
            for (long i = 0; i < n; i++) {
                write(x, DType.F32, i, i * 251);
            }
            assertMatchesReference(arena, DType.F32, new MemorySegment[] {x}, n, new float[] {1f});
        }
    }

    @Test
    void failuresInWorkersReachTheCaller() {
        MemorySegment tooSmall = MemorySegment.ofArray(new short[10]);
        assertThrows(IndexOutOfBoundsException.class, () -> threeThreads.load(DType.BF16, tooSmall, 3L * CHUNK));
        assertThrows(IllegalArgumentException.class, () -> threeThreads.load(DType.I32, tooSmall, 1));
        assertThrows(IllegalArgumentException.class, () -> new CpuVector(0));
        assertEquals("cpu-vector", oneThread.name());
    }

    private static void assertMatchesReference(Arena arena, DType dtype, MemorySegment[] xs, long n, float[] c) {
        Map<String, byte[]> expected = run(REFERENCE, arena, dtype, xs, n, c);
        for (CpuVector engine : new CpuVector[] {oneThread, threeThreads}) {
            Map<String, byte[]> actual = run(engine, arena, dtype, xs, n, c);
            String threads = engine == oneThread ? "1 thread" : "3 threads";
            expected.forEach((what, bytes) -> assertArrayEquals(bytes, actual.get(what), what + ", " + threads));
        }
    }

    /** Loads, sums and stores; returns each widened input's bits and each output format's bytes. */
    private static Map<String, byte[]> run(Backend engine, Arena arena, DType dtype, MemorySegment[] xs,
                                           long n, float[] c) {
        Map<String, byte[]> result = new LinkedHashMap<>();
        DeviceTensor[] loaded = new DeviceTensor[xs.length];
        for (int m = 0; m < xs.length; m++) {
            loaded[m] = engine.load(dtype, xs[m], n);
            result.put("input " + m + " widened", bytes(CpuTensor.of(loaded[m]).floats(), 4 * n));
        }
        try (DeviceTensor sum = engine.weightedSum(loaded, c)) {
            for (DType out : OUTPUTS) {
                MemorySegment dst = unaligned(arena, out.byteSize(n));
                engine.store(sum, out, dst);
                result.put("stored as " + out, bytes(dst, dst.byteSize()));
            }
        } finally {
            for (DeviceTensor t : loaded) {
                t.close();
            }
        }
        return result;
    }

    private static byte[] bytes(MemorySegment segment, long size) {
        return segment.asSlice(0, size).toArray(ValueLayout.JAVA_BYTE);
    }

    /** A segment at an odd address, so that no vector access is aligned. */
    private static MemorySegment unaligned(Arena arena, long size) {
        return arena.allocate(size + 1).asSlice(1);
    }

    /** One in eight draws is an edge case; F64 otherwise mixes raw bits with values near binary32 ones. */
    private static long randomBits(DType dtype, Random random) {
        long[] edges = switch (dtype) {
            case BF16 -> BF16_EDGES;
            case F16 -> F16_EDGES;
            case F32 -> F32_EDGES;
            default -> F64_EDGES;
        };
        if (random.nextInt(8) == 0) {
            return edges[random.nextInt(edges.length)];
        }
        if (dtype == DType.F64 && random.nextBoolean()) {
            // a binary32 value with the 29 bits below its precision random, or exactly half an ulp
            long widened = Double.doubleToRawLongBits(Float.intBitsToFloat(random.nextInt()));
            return widened ^ (random.nextBoolean() ? random.nextLong() & 0x1FFF_FFFFL : 0x1000_0000L);
        }
        return random.nextLong();
    }

    private static void write(MemorySegment segment, DType dtype, long i, long bits) {
        switch (dtype) {
            case BF16, F16 -> segment.setAtIndex(SHORT, i, (short) bits);
            case F32 -> segment.setAtIndex(INT, i, (int) bits);
            default -> segment.setAtIndex(LONG, i, bits);
        }
    }
}
