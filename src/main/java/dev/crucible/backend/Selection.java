package dev.crucible.backend;

/**
 * Exact top-k selection in the total order of merge-methods.md §2.13: greater key first, equal keys by lower flat
 * index, so exactly {@code k} elements are kept. The host side of numerics-and-gpu.md §5.2 and §5.3; engines only
 * count, through {@link Backend#histogram} and {@link Backend#tieCounts}.
 *
 * <p>Radix select finds {@code T}, the k-th largest key, digit by digit from the top bit: each pass histograms, by
 * their next digit, the keys whose higher digits equal the prefix chosen so far. Scanning the bins from the highest
 * down, the bin where the running count reaches the rank still wanted is the next digit; the counts of the bins
 * above it are subtracted from that rank. After the last digit the rank left is {@code r = k − c_gt}, how many keys
 * equal to {@code T} are kept, with {@code c_gt = #{key > T}}, and the last digit's bin holds {@code #{key = T}}.
 * When {@code r} is less than that, a last pass counts the keys equal to {@code T} per chunk; their exclusive prefix
 * sum lets each chunk apply the lowest-index rule on its own. When {@code r == #{key = T}} every tie is kept and that
 * pass is skipped (numerics-and-gpu.md §5.3): the prefix is left at zero, which the rule does not need, since no
 * element has {@code r} ties before it.
 *
 * <p>Keys are treated as unsigned 32-bit values throughout, so magnitude keys (bit 31 always clear) and signed keys
 * take the same path.
 */
public final class Selection {
    private Selection() {
    }

    /**
     * The threshold that keeps exactly the {@code k} greatest keys, {@code 0 ≤ k ≤ numel}. For {@code k == 0} the
     * radix scan stops in the highest bin of every pass and gives key {@code 0xFFFFFFFF} with {@code ties == 0},
     * which no element passes; methods use {@link Mask.None} instead and never ask for it.
     */
    public static Threshold top(Backend backend, Keys keys, long k) {
        if (k < 0 || k > keys.numel()) {
            throw new IllegalArgumentException("cannot keep " + k + " of " + keys.numel() + " elements");
        }
        Kth kth = kth(backend, keys, k);
        long[] tiePrefix = new long[Math.toIntExact(Math.ceilDiv(keys.numel(), Threshold.CHUNK))];
        if (kth.ties() < kth.equal()) {
            long[] perChunk = backend.tieCounts(keys, kth.key());
            long before = 0;
            for (int c = 0; c < perChunk.length; c++) {
                tiePrefix[c] = before;
                before += perChunk[c];
            }
        }
        return new Threshold(kth.key(), kth.ties(), tiePrefix);
    }

    /**
     * The key of the k-th largest element, {@code 1 ≤ k ≤ numel}. The ascending quantile {@code s[i]} is the
     * {@code (numel − i)}-th largest.
     */
    public static int kthLargestKey(Backend backend, Keys keys, long k) {
        if (k < 1 || k > keys.numel()) {
            throw new IllegalArgumentException("no element of rank " + k + " among " + keys.numel());
        }
        return kth(backend, keys, k).key();
    }

    /** How many elements have key {@code key} (e.g. key 0: the zeros of a task vector). */
    public static long countKey(Backend backend, Keys keys, int key) {
        long count = 0;
        for (long ties : backend.tieCounts(keys, key)) {
            count += ties;
        }
        return count;
    }

    /**
     * The binary32 value of a signed key (numerics-and-gpu.md §5.1), e.g. a quantile found by {@link #kthLargestKey}.
     * Signed keys flip every bit of a negative value and only the sign bit of a non-negative one, so bit 31 of the
     * key tells which to undo.
     */
    public static float signedKeyToFloat(int key) {
        return Float.intBitsToFloat(key < 0 ? key ^ 0x80000000 : ~key);
    }

    /** The k-th largest key, how many keys equal to it rank among the top k, and how many equal it. */
    private record Kth(int key, long ties, long equal) {
    }

    private static Kth kth(Backend backend, Keys keys, long k) {
        int prefix = 0;
        long rank = k; // rank of the k-th largest key among the keys that start with prefix
        int shift = 32;
        long equal = 0;
        for (int bits : backend.radixDigits()) {
            shift -= bits;
            long[] counts = backend.histogram(keys, shift, bits, prefix);
            int digit = counts.length - 1;
            while (counts[digit] < rank) {
                rank -= counts[digit];
                digit--;
            }
            prefix = prefix << bits | digit;
            equal = counts[digit];
        }
        return new Kth(prefix, rank, equal);
    }
}
