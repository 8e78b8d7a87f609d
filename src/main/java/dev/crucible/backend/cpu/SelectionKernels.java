package dev.crucible.backend.cpu;

import dev.crucible.backend.Keys;
import dev.crucible.backend.Operand;
import dev.crucible.backend.Threshold;

/**
 * Scalar kernels behind {@code Backend.histogram} and {@code Backend.tieCounts}: the per-element keys of
 * numerics-and-gpu.md §5.1 and the counting steps of the radix select (§5.2) and tie pass (§5.3) that
 * {@code Selection} drives from the host. Each works on a range of elements and only reads its inputs, so an engine
 * may give ranges to different threads and add their counts; counts are integers, so any order gives the same sum.
 */
final class SelectionKernels {
    private SelectionKernels() {
    }

    /** The unsigned 32-bit key of element {@code j}. */
    static int key(Keys keys, long j) {
        return switch (keys) {
            case Keys.DeltaMagnitude(Operand x, Operand b) -> Elements.magnitudeKey(Elements.delta(x, b, j));
            case Keys.DeltaVariance(Operand[] xs, Operand b) -> Elements.magnitudeKey(variance(xs, b, j));
            case Keys.Signed(Operand values) -> Elements.signedKey(Elements.read(values, j));
        };
    }

    /**
     * SCE's population variance over models at element {@code j}, in binary32: {@code μ = (Σ δ_m)/N} and
     * {@code var = (Σ (δ_m − μ)²)/N}, both sums from the first term (merge-methods.md §3.7).
     */
    private static float variance(Operand[] xs, Operand b, long j) {
        float n = xs.length;
        float sum = Elements.delta(xs[0], b, j);
        for (int m = 1; m < xs.length; m++) {
            sum = sum + Elements.delta(xs[m], b, j);
        }
        float mean = sum / n;
        float d = Elements.delta(xs[0], b, j) - mean;
        float squares = d * d;
        for (int m = 1; m < xs.length; m++) {
            d = Elements.delta(xs[m], b, j) - mean;
            squares = squares + d * d;
        }
        return squares / n;
    }

    /**
     * Adds to {@code counts} (length {@code 1 << bits}), for each key in {@code [from, to)} whose bits above
     * {@code shift + bits} equal {@code prefix}, one at the index of its bits {@code [shift, shift + bits)}.
     * The first pass ({@code shift + bits == 32}) has no higher bits and counts every key.
     */
    static void histogram(Keys keys, int shift, int bits, int prefix, long from, long to, long[] counts) {
        int top = shift + bits;
        int digitMask = (1 << bits) - 1;
        for (long j = from; j < to; j++) {
            int key = key(keys, j);
            // Java masks shift distances to 5 bits, so key >>> 32 would be key itself, not 0: test top first.
            if (top == 32 || key >>> top == prefix) {
                counts[(key >>> shift) & digitMask]++;
            }
        }
    }

    /**
     * How many keys equal {@code key} in chunk {@code chunk}, elements {@code [chunk·CHUNK, (chunk + 1)·CHUNK)} of
     * {@link Threshold#CHUNK}; the last chunk stops at {@code numel}.
     */
    static long tieCount(Keys keys, int key, long chunk) {
        long from = chunk * Threshold.CHUNK;
        long to = Math.min(keys.numel(), from + Threshold.CHUNK);
        long ties = 0;
        for (long j = from; j < to; j++) {
            if (key(keys, j) == key) {
                ties++;
            }
        }
        return ties;
    }
}
