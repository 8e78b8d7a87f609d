package dev.crucible.backend;


import java.util.List;
import java.util.function.LongToDoubleFunction;

/**
 * The fixed reduction topology of numerics-and-gpu.md §6, so every engine gets the same binary64 sum: chunks of
 * 65,536 terms; in each chunk 256 lanes each add every 256th term, then a pairwise tree over the lanes; the chunk
 * partials are reduced the same way, recursively. Chunk partials are independent, so they may be computed on any
 * thread in any order.
 */
public final class Reduction {
    public static final int LANES = 256;
    public static final int CHUNK = Threshold.CHUNK;

    private Reduction() {
    }

    /** Σ term(e) for e in [0, n). */
    public static double sum(long n, LongToDoubleFunction term) {
        if (n == 0) {
            return 0.0;
        }
        long chunks = chunks(n);
        if (chunks == 1) {
            return chunk(n, 0, term);
        }
        double[] partials = new double[Math.toIntExact(chunks)];
        for (int c = 0; c < partials.length; c++) {
            partials[c] = chunk(n, c, term);
        }
        return of(partials);
    }

    /** The reduction of already computed chunk partials (the recursive step). */
    public static double of(double[] terms) {
        return sum(terms.length, e -> terms[(int) e]);
    }

    public static long chunks(long n) {
        return (n + CHUNK - 1) / CHUNK;
    }

    /** The partial of chunk {@code c} of {@code n} terms. */
    public static double chunk(long n, long c, LongToDoubleFunction term) {
        return chunk(n, c, 1, (e, out) -> out[0] = term.applyAsDouble(e))[0];
    }

    /** Fills {@code out[0..count)} with the terms of element {@code e}. */
    @FunctionalInterface
    public interface Terms {
        void of(long e, double[] out);
    }

    /**
     * The partials of chunk {@code c} of {@code count} sums computed together, so each element is read once; every
     * sum follows the topology on its own.
     */
    public static double[] chunk(long n, long c, int count, Terms terms) {
        long start = c * CHUNK;
        long size = Math.min(n - start, CHUNK);
        double[][] acc = new double[count][LANES];
        double[] t = new double[count];
        for (long e = 0; e < size; e++) {
            terms.of(start + e, t);
            int lane = (int) (e % LANES);
            for (int p = 0; p < count; p++) {
                acc[p][lane] = acc[p][lane] + t[p];
            }
        }
        double[] out = new double[count];
        for (int p = 0; p < count; p++) {
            out[p] = tree(acc[p]);
        }
        return out;
    }

    /** The pairwise tree over the {@link #LANES} accumulators of a chunk (overwriting them): the chunk's partial. */
    public static double tree(double[] a) {
        for (int s = LANES / 2; s >= 1; s /= 2) {
            for (int l = 0; l < s; l++) {
                a[l] = a[l] + a[l + s];
            }
        }
        return a[0];
    }

    /**
     * Combines per-chunk partial vectors: component {@code p} of the result reduces component p of each. A NaN
     * result is the canonical NaN: whether a sum is NaN follows from the topology, but which payload it carries
     * depends on which operand each addition of two NaNs propagates, and Java leaves that to the JIT (the interpreter
     * and C2 pick different operands of {@code a + b}), so no engine could promise those bits.
     */
    public static double[] combine(List<double[]> partials, int count) {
        double[] out = new double[count];
        for (int p = 0; p < count; p++) {
            double[] terms = new double[partials.size()];
            for (int c = 0; c < terms.length; c++) {
                terms[c] = partials.get(c)[p];
            }
            double sum = terms.length == 1 ? terms[0] : of(terms);
            out[p] = Double.isNaN(sum) ? Double.NaN : sum;
        }
        return out;
    }
}
