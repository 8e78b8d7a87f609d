package dev.crucible.backend.cpu;

import dev.crucible.backend.EngineConformance;
import dev.crucible.backend.Tensors;

import dev.crucible.backend.Backend;
import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.GtaSpec;
import dev.crucible.backend.Mask;
import dev.crucible.backend.Operand;
import dev.crucible.io.DType;
import dev.crucible.io.FloatFormats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fast engine's own concerns: its vector path for {@code blend} on exhaustive and swept bit patterns (against
 * the reference, and the reference against the conversions of numerics-and-gpu.md §2), and its thread pool (errors in
 * workers reach the caller, and the pool survives them).
 */
class CpuVectorTest {
    private static final DType[] OUTPUTS = {DType.BF16, DType.F16, DType.F32};

    private static CpuBackend reference;
    private static CpuBackend oneThread;
    private static CpuBackend threeThreads;

    @BeforeAll
    static void startEngines() {
        reference = CpuBackend.reference();
        oneThread = CpuBackend.vector(1);
        threeThreads = CpuBackend.vector(3);
    }

    @AfterAll
    static void stopEngines() {
        reference.close();
        oneThread.close();
        threeThreads.close();
    }

    /**
     * All 65,536 patterns, widened, multiplied by one and stored in every format: the vector path must match the
     * reference, and the reference must be the exact widening followed by §2's rounding with canonical NaNs.
     */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"BF16", "F16"})
    void everySixteenBitPatternMatchesReference(DType dtype) {
        try (Arena arena = Arena.ofShared()) {
            Operand x = new Operand(dtype, Tensors.unaligned(arena, dtype.byteSize(1 << 16)), 1 << 16);
            for (int i = 0; i < 1 << 16; i++) {
                Tensors.set(x, i, i);
            }
            for (DType out : OUTPUTS) {
                Operand expected = identity(reference, arena, x, out, (byte) 0xA5);
                for (int i = 0; i < 1 << 16; i++) {
                    float v = Tensors.value(x, i);
                    long want = Float.isNaN(v) ? canonicalNaN(out) : switch (out) {
                        case BF16 -> FloatFormats.floatToBf16(v) & 0xFFFF;
                        case F16 -> FloatFormats.floatToF16(v) & 0xFFFF;
                        default -> Float.floatToRawIntBits(v) & 0xFFFF_FFFFL;
                    };
                    if (out == dtype && !Float.isNaN(v)) {
                        assertEquals(i, want, "a pattern stored in its own format is kept");
                    }
                    assertEquals(want, Tensors.get(expected, i), dtype + " 0x" + Integer.toHexString(i) + " → " + out);
                }
                Tensors.assertSameBytes(expected, identity(oneThread, arena, x, out, (byte) 0x5A),
                        dtype + " → " + out + ", vector(1)");
                Tensors.assertSameBytes(expected, identity(threeThreads, arena, x, out, (byte) 0x3C),
                        dtype + " → " + out + ", vector(3)");
            }
        }
    }

    /**
     * Every 251st binary32 pattern, a prime stride that visits every exponent with varied low bits, through the
     * vector path into each format; the reference against FloatFormats' rounding.
     */
    @Test
    void binary32SweepNarrowsLikeReference() {
        long n = (1L << 32) / 251 + 1;
        try (Arena arena = Arena.ofShared()) {
            Operand x = new Operand(DType.F32, Tensors.unaligned(arena, DType.F32.byteSize(n)), n);
            for (long i = 0; i < n; i++) {
                Tensors.set(x, i, i * 251);
            }
            for (DType out : OUTPUTS) {
                try (Arena outputs = Arena.ofShared()) {
                    Operand expected = identity(reference, outputs, x, out, (byte) 0xA5);
                    for (long i = 0; i < n; i++) {
                        float v = Float.intBitsToFloat((int) (i * 251));
                        long want = switch (out) {
                            case BF16 -> FloatFormats.floatToBf16(v) & 0xFFFF;
                            case F16 -> FloatFormats.floatToF16(v) & 0xFFFF;
                            default -> FloatFormats.canonicalF32Bits(v) & 0xFFFF_FFFFL;
                        };
                        if (want != Tensors.get(expected, i)) {
                            assertEquals(want, Tensors.get(expected, i), "binary32 0x" + Long.toHexString(i * 251)
                                    + " → " + out);
                        }
                    }
                    Tensors.assertSameBytes(expected, identity(oneThread, outputs, x, out, (byte) 0x5A),
                            "F32 → " + out + ", vector(1)");
                    Tensors.assertSameBytes(expected, identity(threeThreads, outputs, x, out, (byte) 0x3C),
                            "F32 → " + out + ", vector(3)");
                }
            }
        }
    }

    /** {@code 1f · x} into a fresh output of {@code out}: blend's vector path, whole tensor, no base. */
    private static Operand identity(Backend engine, Arena arena, Operand x, DType out, byte fill) {
        Operand o = Tensors.output(arena, out, x.numel(), fill);
        engine.blend(null, new Operand[] {x}, new float[] {1f}, FibreLayout.whole(x.numel()), o);
        return o;
    }

    private static long canonicalNaN(DType dtype) {
        return switch (dtype) {
            case BF16 -> 0x7FC0;
            case F16 -> 0x7E00;
            default -> 0x7FC0_0000L;
        };
    }

    /**
     * A model with fewer elements than the output: the kernel reads past its segment only in the pieces after the
     * first 2^20 elements, which the pool runs on its workers; the error must come back to the caller, as it is,
     * and leave the engine usable.
     */
    @Test
    void outOfBoundsReadInAWorkerReachesTheCaller() {
        long n = EngineConformance.PIECES;
        try (Arena arena = Arena.ofShared()) {
            Operand b = Tensors.random(arena, DType.BF16, n, new SplittableRandom(1));
            Operand shortX = Tensors.random(arena, DType.BF16, 1 << 20, new SplittableRandom(2));
            Operand out = Tensors.output(arena, DType.F32, n, (byte) 0);
            for (CpuBackend engine : new CpuBackend[] {reference, oneThread, threeThreads}) {
                assertThrows(IndexOutOfBoundsException.class, () -> engine.blend(b, new Operand[] {shortX},
                        new float[] {0.5f}, FibreLayout.whole(n), out), engine.name());
                assertThrows(IndexOutOfBoundsException.class, () -> engine.l1(shortX, b, new Mask.All()),
                        engine.name() + ", a reduction");
            }
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> threeThreads.blend(b,
                    new Operand[] {shortX}, new float[] {0.5f}, FibreLayout.whole(n), out));
            assertTrue(ranInPool(e), "the failing piece ran on a worker: " + Arrays.toString(e.getStackTrace()));
            assertStillWorks(arena);
        }
    }

    /** Philox.threshold rejects a NaN keep probability inside the gta kernel, on a worker for the later pieces. */
    @Test
    void nanDensityInAWorkerReachesTheCaller() {
        long n = EngineConformance.PIECES;
        try (Arena arena = Arena.ofShared()) {
            Operand b = Tensors.random(arena, DType.F16, n, new SplittableRandom(3));
            Operand x = Tensors.near(arena, b, new SplittableRandom(4));
            Operand out = Tensors.output(arena, DType.BF16, n, (byte) 0);
            GtaSpec spec = new GtaSpec(new Mask[] {new Mask.Bernoulli(7, Double.NaN)}, new float[] {1f}, false,
                    new float[] {1f}, GtaSpec.Consensus.NONE, false, 1f, 1f);
            for (CpuBackend engine : new CpuBackend[] {reference, oneThread, threeThreads}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> engine.gta(spec, b, new Operand[] {x}, out), engine.name());
                assertEquals("keep probability is NaN", e.getMessage());
                if (engine != reference) {
                    assertTrue(ranInPool(e), engine.name() + " ran the pieces on its workers");
                }
            }
            assertStillWorks(arena);
        }
    }

    @Test
    void namesAndThreadCount() {
        assertEquals("cpu-reference", reference.name());
        assertEquals("cpu-vector", oneThread.name());
        assertEquals("cpu-vector", threeThreads.name());
        assertThrows(IllegalArgumentException.class, () -> CpuBackend.vector(0));
    }

    private static boolean ranInPool(Throwable e) {
        return Arrays.stream(e.getStackTrace())
                .anyMatch(frame -> frame.getClassName().startsWith("java.util.concurrent.ThreadPoolExecutor"));
    }

    /** After a failure, both pools still compute the reference's answer. */
    private static void assertStillWorks(Arena arena) {
        long n = EngineConformance.PIECE_PLUS;
        Operand x = Tensors.random(arena, DType.F32, n, new SplittableRandom(5));
        for (DType out : OUTPUTS) {
            Operand expected = identity(reference, arena, x, out, (byte) 1);
            Tensors.assertSameBytes(expected, identity(oneThread, arena, x, out, (byte) 2), "vector(1) after a failure");
            Tensors.assertSameBytes(expected, identity(threeThreads, arena, x, out, (byte) 3),
                    "vector(3) after a failure");
        }
    }
}
