package dev.crucible.backend;

/**
 * The boundary of a top-k selection under merge-methods.md §2.13's total order: keep element {@code j} iff
 * {@code key_j > key}, or {@code key_j == key} and fewer than {@code ties} elements with that key precede it.
 * {@code tiePrefix[c]} counts the elements with key {@code key} in {@code [0, c·CHUNK)}, so any chunk can apply the
 * rule on its own (numerics-and-gpu.md §5.3).
 */
public record Threshold(int key, long ties, long[] tiePrefix) {
    /** Elements per tie-prefix chunk; kernels split work at multiples of it. */
    public static final int CHUNK = 65_536;

    /** Number of elements with key {@code key} before chunk {@code c}. */
    public long tiesBefore(long chunk) {
        return tiePrefix[(int) chunk];
    }
}
