package dev.crucible.backend.cpu;

import dev.crucible.backend.Keys;
import dev.crucible.backend.Operand;
import dev.crucible.backend.Selection;
import dev.crucible.backend.Threshold;
import dev.crucible.io.DType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.function.LongToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The bracketed selection finds the very threshold of the radix select (key, ties kept, per-chunk tie prefix) on
 * tensors past {@link BracketSelection#MIN_NUMEL}, and takes its one-pass route on ordinary data: keys with few ties,
 * keys with masses of ties at the threshold, regions of very different scale, signed and variance keys, k at the
 * extremes. Where the bracket cannot hold the threshold it says so, and the engine falls back.
 */
class BracketSelectionTest {
    private static final long NUMEL = BracketSelection.MIN_NUMEL + 3 * Threshold.CHUNK + 12_345;
    private static final Arena ARENA = Arena.ofShared();
    private static final Runner THREE = Runner.pool(3);
    private static final CpuBackend REFERENCE = CpuBackend.reference();

    @AfterAll
    static void close() {
        THREE.close();
        ARENA.close();
    }

    @Test
    void gaussianDeltasAtEveryDensity() {
        SplittableRandom r = new SplittableRandom(1);
        Keys keys = deltas(DType.BF16, j -> r.nextGaussian() * 0.02, j -> r.nextGaussian() * 0.001);
        for (long k : new long[] {1, 7, NUMEL / 100, NUMEL / 3, NUMEL / 2}) {
            assertSame(keys, k, true);
        }
        // the smallest keys: BF16 rounding leaves a mass of zero deltas there, counted at the bracket's low end
        for (long k : new long[] {NUMEL * 9 / 10, NUMEL - 2, NUMEL - 1}) {
            assertSame(keys, k, true);
        }
    }

    @Test
    void massesOfTiesAtTheThresholdKeepTheLowestIndices() {
        // eight distinct deltas: every threshold is shared by an eighth of the tensor, spread over all chunks; the
        // bracket's ends fall on the threshold's value, which is counted rather than copied
        Keys keys = deltas(DType.F32, j -> 0, j -> ((j * 0x9E3779B97F4A7C15L) >>> 61) * 0.25);
        for (long k : new long[] {NUMEL / 8 + 5, NUMEL / 2 + 1_000, NUMEL - NUMEL / 8 - 3}) {
            assertSame(keys, k, true);
        }
        // a few thousand ties on the greatest key, the rest distinct: the bracket holds the ties, and keeps the first
        Keys fewTies = deltas(DType.F32, j -> 0, j -> j % 997 == 0 ? 0.5 : (j % 89) * 1e-3 + j * 1e-9);
        Threshold partOfTheTies = BracketSelection.bracketed(THREE, fewTies, 1_000);
        assertNotNull(partOfTheTies);
        assertEquals(1_000, partOfTheTies.ties());
        assertSame(fewTies, 1_000, true);
        assertSame(fewTies, NUMEL / 2, true);
    }

    @Test
    void regionsOfDifferentScale() {
        SplittableRandom r = new SplittableRandom(2);
        Keys keys = deltas(DType.BF16, j -> 0.01, j -> r.nextGaussian() * (j < NUMEL / 5 ? 1e-4 : 1e-2));
        for (long k : new long[] {NUMEL / 10, NUMEL / 2, NUMEL * 3 / 4}) {
            assertSame(keys, k, true);
        }
    }

    @Test
    void signedAndVarianceKeys() {
        SplittableRandom r = new SplittableRandom(3);
        Operand values = operand(DType.F32, j -> r.nextGaussian());
        assertSame(new Keys.Signed(values), NUMEL / 4, true);
        Operand b = operand(DType.F16, j -> r.nextGaussian() * 0.1);
        Operand[] xs = {operand(DType.F16, j -> r.nextGaussian() * 0.1), operand(DType.F16, j -> r.nextGaussian())};
        assertSame(new Keys.DeltaVariance(xs, b), NUMEL / 3, true);
    }

    @Test
    void aMisleadingSampleIsNoticedAndTheRadixSelectTakesOver() {
        // the sampled runs hold large deltas, every other element a small one: the bracket misses the threshold
        Keys keys = deltas(DType.F32, j -> 0, j -> {
            long run = j * BracketSelection.RUNS / NUMEL;
            boolean sampled = j - run * NUMEL / BracketSelection.RUNS < Tiles.LANES
                    || j - (run + 1) * NUMEL / BracketSelection.RUNS >= 0;
            return sampled ? 1.0 : 1e-3 * (j % 1_000 + 1);
        });
        assertNull(BracketSelection.bracketed(THREE, keys, NUMEL / 2));
        assertSame(keys, NUMEL / 2, false);
    }

    @Test
    void smallTensorsAndTheEndsOfTheRangeAreLeftToTheRadixSelect() {
        SplittableRandom r = new SplittableRandom(4);
        Keys keys = deltas(DType.F32, j -> 0, j -> r.nextGaussian());
        assertNull(BracketSelection.bracketed(THREE, keys, 0));
        assertNull(BracketSelection.bracketed(THREE, keys, NUMEL));
        long small = BracketSelection.MIN_NUMEL - 1;
        Operand x = new Operand(DType.F32, ((Keys.DeltaMagnitude) keys).x().bytes().asSlice(0, small * 4), small);
        Operand b = new Operand(DType.F32, ((Keys.DeltaMagnitude) keys).b().bytes().asSlice(0, small * 4), small);
        assertNull(BracketSelection.bracketed(THREE, new Keys.DeltaMagnitude(x, b), small / 2));
    }

    /** The bracketed threshold equals the radix select's, with any number of threads; whether it was found there. */
    private static void assertSame(Keys keys, long k, boolean bracketed) {
        Threshold expected = Selection.top(REFERENCE, keys, k);
        for (Runner runner : new Runner[] {THREE, Runner.callingThread()}) {
            Threshold found = BracketSelection.bracketed(runner, keys, k);
            if (bracketed) {
                assertNotNull(found, "k=" + k + ": the bracket should hold the threshold");
            }
            if (found != null) {
                assertEquals(expected.key(), found.key(), "k=" + k);
                assertEquals(expected.ties(), found.ties(), "k=" + k);
                assertArrayEquals(expected.tiePrefix(), found.tiePrefix(), "k=" + k);
            }
            Threshold top = BracketSelection.top(REFERENCE, runner, keys, k);
            assertEquals(expected.key(), top.key());
            assertEquals(expected.ties(), top.ties());
            assertArrayEquals(expected.tiePrefix(), top.tiePrefix());
        }
    }

    private static Keys deltas(DType dtype, LongToDoubleFunction base, LongToDoubleFunction delta) {
        Operand b = operand(dtype, base);
        MemorySegment bytes = ARENA.allocate(dtype.byteSize(NUMEL), 8);
        for (long j = 0; j < NUMEL; j++) {
            write(dtype, bytes, j, Elements.read(b, j) + delta.applyAsDouble(j));
        }
        return new Keys.DeltaMagnitude(new Operand(dtype, bytes, NUMEL), b);
    }

    private static Operand operand(DType dtype, LongToDoubleFunction value) {
        MemorySegment bytes = ARENA.allocate(dtype.byteSize(NUMEL), 8);
        for (long j = 0; j < NUMEL; j++) {
            write(dtype, bytes, j, value.applyAsDouble(j));
        }
        return new Operand(dtype, bytes, NUMEL);
    }

    private static void write(DType dtype, MemorySegment bytes, long j, double v) {
        float f = (float) v;
        switch (dtype) {
            case F32 -> bytes.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, j, f);
            case BF16 -> bytes.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, j,
                    (short) (Float.floatToRawIntBits(f) >>> 16));
            case F16 -> bytes.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, j, Float.floatToFloat16(f));
            default -> throw new IllegalArgumentException(dtype.toString());
        }
    }
}
