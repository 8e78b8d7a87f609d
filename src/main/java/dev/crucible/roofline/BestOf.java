package dev.crucible.roofline;

/** The fastest of a few timed runs: what a link allows at best, the measure the roofline is built from. */
public final class BestOf {
    /** Runs per link: enough to step over one disturbed run, few enough to keep probes short. */
    public static final int RUNS = 3;

    /** One timed run. */
    @FunctionalInterface
    public interface Run {
        double seconds();
    }

    private BestOf() {
    }

    /** The fewest seconds of {@link #RUNS} runs. */
    public static double seconds(Run run) {
        double best = Double.POSITIVE_INFINITY;
        for (int r = 0; r < RUNS; r++) {
            best = Math.min(best, run.seconds());
        }
        return best;
    }
}
