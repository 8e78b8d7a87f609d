package dev.crucible.backend.cpu;

import dev.crucible.backend.Threshold;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.NE;
import static jdk.incubator.vector.VectorOperators.UGT;

/**
 * A top-k mask lane-wise: element {@code j} is kept iff {@code key_j > T} (unsigned), or {@code key_j == T} and
 * fewer than {@code ties} elements with key {@code T} precede it — {@link MaskCursor}'s rule. The comparison with
 * {@code T} is lane-wise; the tie rule needs the running count of keys equal to {@code T}, which advances by the
 * number of equal lanes per vector: while at least that many ties remain to keep, all of them are kept, when none
 * remain none are, and in the one vector where the count runs out only its lowest-index equal lanes are. The count
 * starts from the threshold's tie prefix at the chunk boundary, exactly as in the scalar definition.
 */
final class TopLanes implements MaskLanes {
    private static final VectorSpecies<Integer> I = Tiles.I;
    private final KeyLanes keys;
    private final Threshold threshold;
    private final int[] tile = new int[Tiles.SIZE];
    /** The element after the last tile filled, and how many keys equal to T precede it. */
    private long next = -1;
    private long seen;

    TopLanes(KeyLanes keys, Threshold threshold) {
        this.keys = keys;
        this.threshold = threshold;
    }

    @Override
    public void fill(long from, int n, boolean[] keep) {
        if (from != next) {
            seek(from);
        }
        keys.fill(from, n, tile);
        seen = threshold.ties() - apply(tile, n, threshold.key(), threshold.ties() - seen, keep);
        next = from + n;
    }

    /** Fills {@code keep} from the keys with {@code left} ties still to keep; returns how many are left after. */
    private static long apply(int[] tile, int n, int t, long left, boolean[] keep) {
        for (int i = 0; i < n; i += Tiles.LANES) {
            IntVector k = IntVector.fromArray(I, tile, i);
            long equal = k.compare(EQ, t).and(I.indexInRange(i, n)).toLong();
            long kept = left <= 0 ? 0 : lowest(equal, left);
            left -= Long.bitCount(equal);
            IntVector ties = IntVector.broadcast(I, (int) kept).and(IntVector.fromArray(I, Tiles.LANE_BITS, 0));
            k.compare(UGT, t).or(ties.compare(NE, 0)).intoArray(keep, i);
        }
        return left;
    }

    /** Counts the keys equal to T from the start of {@code from}'s chunk, where the tie prefix applies. */
    private void seek(long from) {
        long chunk = from / Threshold.CHUNK;
        seen = threshold.tiesBefore(chunk);
        int t = threshold.key();
        for (long start = chunk * Threshold.CHUNK; start < from; start += Tiles.SIZE) {
            int n = (int) Math.min(Tiles.SIZE, from - start);
            keys.fill(start, n, tile);
            seen += SelectionLanes.count(tile, n, t);
        }
    }

    /** The {@code count} lowest set bits of {@code bits} (all of them when it has no more). */
    private static long lowest(long bits, long count) {
        if (count >= Long.bitCount(bits)) {
            return bits;
        }
        long kept = 0;
        for (long c = count; c > 0; c--) {
            long low = bits & -bits;
            kept |= low;
            bits ^= low;
        }
        return kept;
    }
}
