package dev.crucible.backend.cpu;

import dev.crucible.backend.Threshold;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.LSHR;

/**
 * The vector engine's counting for selection: {@link SelectionKernels#histogram} and
 * {@link SelectionKernels#tieCount} over tiles of keys from {@link KeyLanes}. Counts are integers, so they are
 * exact whichever lanes find the matches and in whatever order they are added. Only the bin increments stay
 * scalar; a pass restricted to a prefix tests the prefix lane-wise and visits only the matching lanes.
 */
final class SelectionLanes {
    private static final VectorSpecies<Integer> I = Tiles.I;

    private SelectionLanes() {
    }

    /** Adds to {@code counts} the histogram of the keys of {@code [from, to)}, as {@link SelectionKernels}. */
    static void histogram(KeyLanes keys, int shift, int bits, int prefix, long from, long to, int[] counts) {
        int[] tile = new int[Tiles.SIZE];
        int top = shift + bits;
        int digit = (1 << bits) - 1;
        for (long start = from; start < to; start += Tiles.SIZE) {
            int n = (int) Math.min(Tiles.SIZE, to - start);
            keys.fill(start, n, tile);
            if (top == 32) {
                countAll(tile, n, shift, digit, counts);
            } else {
                countPrefixed(tile, n, top, prefix, shift, digit, counts);
            }
        }
    }

    private static void countAll(int[] tile, int n, int shift, int digit, int[] counts) {
        for (int i = 0; i < n; i++) {
            counts[(tile[i] >>> shift) & digit]++;
        }
    }

    /** Counts only the keys whose bits from {@code top < 32} up equal {@code prefix}, found lane-wise. */
    private static void countPrefixed(int[] tile, int n, int top, int prefix, int shift, int digit, int[] counts) {
        for (int i = 0; i < n; i += Tiles.LANES) {
            long match = IntVector.fromArray(I, tile, i).lanewise(LSHR, top).compare(EQ, prefix)
                    .and(I.indexInRange(i, n)).toLong();
            for (; match != 0; match &= match - 1) {
                counts[(tile[i + Long.numberOfTrailingZeros(match)] >>> shift) & digit]++;
            }
        }
    }

    /**
     * How many keys equal {@code key} in each chunk of {@link Threshold#CHUNK} elements from chunk
     * {@code firstChunk} up to element {@code to}.
     */
    static long[] tieCounts(KeyLanes keys, int key, long firstChunk, long to) {
        long from = firstChunk * Threshold.CHUNK;
        long[] counts = new long[Math.toIntExact(Math.ceilDiv(to - from, Threshold.CHUNK))];
        int[] tile = new int[Tiles.SIZE];
        for (long start = from; start < to; start += Tiles.SIZE) {
            int n = (int) Math.min(Tiles.SIZE, to - start);
            keys.fill(start, n, tile);
            counts[(int) ((start - from) / Threshold.CHUNK)] += count(tile, n, key);
        }
        return counts;
    }

    /** How many of {@code tile[0, n)} equal {@code key}. */
    static int count(int[] tile, int n, int key) {
        int equal = 0;
        for (int i = 0; i < n; i += Tiles.LANES) {
            equal += IntVector.fromArray(I, tile, i).compare(EQ, key).and(I.indexInRange(i, n)).trueCount();
        }
        return equal;
    }
}
