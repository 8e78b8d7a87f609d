package dev.crucible.bench;

import java.io.IOException;

/** The fastest of a few timed runs: what a link allows at best, the measure the roofline is built from. */
final class BestOf {
    /** One timed run. */
    @FunctionalInterface
    interface Run {
        double seconds() throws IOException;
    }

    private BestOf() {
    }

    static double seconds(int runs, Run run) throws IOException {
        double best = Double.POSITIVE_INFINITY;
        for (int r = 0; r < runs; r++) {
            best = Math.min(best, run.seconds());
        }
        return best;
    }
}
