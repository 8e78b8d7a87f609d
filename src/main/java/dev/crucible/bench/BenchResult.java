package dev.crucible.bench;

import dev.crucible.roofline.Roofline;

/**
 * One (engine, method) of the bench: its timed merges and its roofline.
 *
 * @param first   seconds of the first of its merges (for the first row of a run: the JVM's first merge, cold JIT)
 * @param best    seconds of the fastest of its {@code runs} merges
 * @param read    R: distinct input tensor bytes
 * @param written W: output tensor bytes
 * @param links   the bandwidths the roofline was computed from
 */
record BenchResult(Engine engine, String method, int runs, double first, double best, long read, long written,
                   Roofline.Links links, Roofline roofline) {
    /** Achieved bandwidth: {@code (R + W) / best}, bytes per second. */
    double bytesPerSecond() {
        return (read + written) / best;
    }

    double efficiency() {
        return roofline.efficiency(best);
    }
}
