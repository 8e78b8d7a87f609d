package dev.crucible.backend.cpu;

import dev.crucible.backend.Mask;
import dev.crucible.backend.Operand;
import dev.crucible.backend.Threshold;

/**
 * Scalar definition of {@code Backend.signConflicts}: per element, how many models have a kept positive and a kept
 * negative delta; the element is considered when the two together reach two, conflicting when both are nonzero.
 * Counts are integers, so ranges may be counted on any thread and added in any order.
 */
final class ConflictKernels {
    private static final int TILE = Threshold.CHUNK;

    private ConflictKernels() {
    }

    /** Adds to {@code counts} ({@code {considered, conflicting}}) the elements {@code [from, to)}. */
    static void count(Operand b, Operand[] xs, Mask[] masks, long from, long to, long[] counts) {
        int models = xs.length;
        MaskCursor[] cursors = new MaskCursor[models];
        for (int m = 0; m < models; m++) {
            cursors[m] = new MaskCursor(masks[m]);
        }
        boolean[][] keep = new boolean[models][TILE];
        for (long start = from; start < to; start += TILE) {
            long end = Math.min(to, start + TILE);
            for (int m = 0; m < models; m++) {
                cursors[m].fill(start, end, keep[m], null);
            }
            for (long j = start; j < end; j++) {
                float bj = Elements.read(b, j);
                int positive = 0;
                int negative = 0;
                for (int m = 0; m < models; m++) {
                    if (keep[m][(int) (j - start)]) {
                        float d = Elements.read(xs[m], j) - bj;
                        positive += d > 0 ? 1 : 0;
                        negative += d < 0 ? 1 : 0;
                    }
                }
                if (positive + negative >= 2) {
                    counts[0]++;
                    if (positive > 0 && negative > 0) {
                        counts[1]++;
                    }
                }
            }
        }
    }
}
