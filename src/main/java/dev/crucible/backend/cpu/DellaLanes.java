package dev.crucible.backend.cpu;

import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.Mask;
import dev.crucible.rng.Philox;
import dev.crucible.rng.PhiloxLanes;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.I2L;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.NE;
import static jdk.incubator.vector.VectorOperators.ULE;
import static jdk.incubator.vector.VectorOperators.ULT;
import static jdk.incubator.vector.VectorOperators.XOR;

/**
 * DELLA's mask for the vector engine: element {@code j} is kept iff {@code u_j < T(pos_j)}, where {@code u_j} is
 * its Philox draw ({@link PhiloxLanes}), {@code pos_j = rank_j − 1} its position among its fibre's keys in ascending
 * order, among equal keys the higher index first (numerics-and-gpu.md §5.4), and {@code T(pos) = floor(p·2^32)} with
 * {@code p = (density − ε) + (pos/(n − 1))·2ε} — {@link MaskCursor}'s rule with its binary64 arithmetic, so the keep
 * bits are the same.
 *
 * <p>{@link MaskCursor} sorts every fibre to find the positions. Here a fibre's keys are counted into buckets of key
 * ranges, in key order: an element's position is the number of keys in lower buckets plus its rank within its
 * bucket. Where a bucket holds a single key, that rank is the number of the bucket's elements of higher index: the
 * bucket's count less one less the element's ordinal, the number of earlier elements in its bucket, which counting
 * in index order gives. Where a bucket holds several keys, its elements are only known to lie within its range of
 * positions; {@code T} is monotonic in the position, so a draw below {@code T} at both ends of the range is kept and
 * one at or above both is not, and only a draw in between needs the exact position, counted over the fibre. The
 * buckets divide the range of the fibre's non-zero keys finely (zero has a bucket of its own), so ranges are short
 * and such draws rare. The decisions are lane-wise, gathering each element's bucket entries and thresholds.
 *
 * <p>The keep bits of a whole block of fibres (one outer index) are decided at once and copied out tile by tile.
 */
final class DellaLanes implements MaskLanes {
    private static final long LOW = 0xFFFFFFFFL;
    private static final VectorSpecies<Integer> I = Tiles.I;
    private static final VectorSpecies<Long> L = VectorSpecies.of(long.class, Tiles.F.vectorShape());

    private final Mask.Della della;
    private final int length;
    private final int inner;
    private final int blockSize;
    /** {@code T(pos)} for every position in a fibre. */
    private final long[] thresholds;
    private final KeyLanes keyLanes;
    private final int[] keyTile = new int[Tiles.SIZE];

    // The block (outer index) last computed, by fibre (fibre c's element i at c·length + i): keys, draws and keep
    // bits; and its keep bits in element order.
    private long block = -1;
    private final int[] keys;
    private final int[] draws;
    private final boolean[] keptByFibre;
    private final boolean[] keep;

    // per fibre: each element's bucket and ordinal in it; per bucket its count, first key, whether it holds another
    // key, and how many positions lie below it
    /** Buckets besides the zero bucket: about one per element, so that few hold more than one key. */
    private final int buckets;
    private final int[] bucketOf;
    private final int[] ordinal;
    private final int[] count;
    private final int[] firstKey;
    private final int[] mixed;
    private final int[] below;
    // lane scratch: the running minima and maxima, and a vector's position ranges for the threshold gathers
    private final int[] lows = new int[Tiles.LANES];
    private final int[] highs = new int[Tiles.LANES];
    private final int[] lowest = new int[Tiles.LANES];
    private final int[] highest = new int[Tiles.LANES];

    DellaLanes(Mask.Della della) {
        this.della = della;
        FibreLayout f = della.fibres();
        this.length = Math.toIntExact(f.length());
        this.inner = Math.toIntExact(f.inner());
        this.blockSize = Math.toIntExact(f.length() * f.inner());
        this.thresholds = thresholds(della, length);
        this.keyLanes = new KeyLanes(della.keys());
        // room past the end for the lanes of a last, partial vector
        this.keys = new int[blockSize + Tiles.LANES];
        this.draws = new int[blockSize + Tiles.LANES];
        this.keptByFibre = new boolean[blockSize + Tiles.LANES];
        this.keep = inner == 1 ? keptByFibre : new boolean[blockSize];
        this.buckets = Math.max(1_024, Integer.highestOneBit(Math.max(1, length - 1)) << 1);
        this.bucketOf = new int[length + Tiles.LANES];
        this.ordinal = new int[length + Tiles.LANES];
        this.count = new int[buckets + 1];
        this.firstKey = new int[buckets + 1];
        this.mixed = new int[buckets + 1];
        this.below = new int[buckets + 1];
    }

    /** {@code T(pos)} as {@link MaskCursor} computes it: rn = pos/(n − 1) (0.5 for n = 1), all binary64. */
    private static long[] thresholds(Mask.Della d, int n) {
        long[] t = new long[n];
        for (int pos = 0; pos < n; pos++) {
            double rn = n == 1 ? 0.5 : (double) pos / (n - 1);
            t[pos] = Philox.threshold((d.density() - d.epsilon()) + rn * (2 * d.epsilon()));
        }
        return t;
    }

    @Override
    public void fill(long from, int n, boolean[] out) {
        for (int i = 0; i < n; ) {
            long j = from + i;
            long a = j / blockSize;
            if (a != block) {
                computeBlock(a);
            }
            int offset = (int) (j - a * blockSize);
            int run = Math.min(n - i, blockSize - offset);
            System.arraycopy(keep, offset, out, i, run);
            i += run;
        }
    }

    /** The keep bits of outer block {@code a}. */
    private void computeBlock(long a) {
        long from = a * blockSize;
        for (int o = 0; o < blockSize; o += Tiles.SIZE) {
            int n = Math.min(Tiles.SIZE, blockSize - o);
            keyLanes.fill(from + o, n, keyTile);
            byFibre(keyTile, o, n, keys);
        }
        if (inner == 1) {
            PhiloxLanes.draws(della.key(), from, draws, blockSize);
        } else {
            for (int o = 0; o < blockSize; o += Tiles.SIZE) {
                int n = Math.min(Tiles.SIZE, blockSize - o);
                PhiloxLanes.draws(della.key(), from + o, keyTile, n);
                byFibre(keyTile, o, n, draws);
            }
        }
        for (int c = 0; c < inner; c++) {
            decide(c * length);
        }
        if (inner != 1) {
            for (int o = 0; o < blockSize; o++) {
                keep[o] = keptByFibre[o % inner * length + o / inner];
            }
        }
        block = a;
    }

    /** {@code to[c·length + i] = from[q]} for the elements {@code o + q = i·inner + c} of a tile. */
    private void byFibre(int[] from, int o, int n, int[] to) {
        if (inner == 1) {
            System.arraycopy(from, 0, to, o, n);
            return;
        }
        for (int q = 0; q < n; q++) {
            int e = o + q;
            to[e % inner * length + e / inner] = from[q];
        }
    }

    /** Buckets the fibre at {@code base} and decides its elements. */
    private void decide(int base) {
        long range = range(keys, base, length);
        int low = (int) (range >>> 32);
        int high = (int) range;
        // the smallest shift that maps [low, high] (non-zero keys, unsigned) into the buckets after bucket 0
        int shift = 32 - Integer.numberOfLeadingZeros(Integer.divideUnsigned(high - low, buckets));
        int used = high == 0 ? 1 : 2 + ((high - low) >>> shift);
        bucketIndices(keys, base, length, low, shift, bucketOf);
        Arrays.fill(count, 0, used, 0);
        Arrays.fill(mixed, 0, used, 0);
        for (int i = 0; i < length; i++) {
            int b = bucketOf[i];
            int k = keys[base + i];
            int n = count[b];
            int f = n == 0 ? k : firstKey[b];
            ordinal[i] = n;
            firstKey[b] = f;
            mixed[b] |= f ^ k;
            count[b] = n + 1;
        }
        for (int b = 0, positions = 0; b < used; b++) {
            below[b] = positions;
            positions += count[b];
        }
        decideLanes(base);
    }

    /**
     * Each element's keep bit: kept when its draw is below {@code T} at both ends of its range of positions; the rare
     * elements whose draw lies between the two get their exact position.
     */
    private void decideLanes(int base) {
        // the lanes past the fibre's end: bucket 0 and, below, position 0, valid indices for the gathers
        Arrays.fill(bucketOf, length, bucketOf.length, 0);
        for (int i = 0; i < length; i += Tiles.LANES) {
            IntVector lo = IntVector.fromArray(I, below, 0, bucketOf, i);
            IntVector hi = lo.add(IntVector.fromArray(I, count, 0, bucketOf, i)).sub(1);
            // a single key: the elements after i in its bucket rank below it
            IntVector exact = hi.sub(IntVector.fromArray(I, ordinal, i));
            VectorMask<Integer> ranged = IntVector.fromArray(I, mixed, 0, bucketOf, i).compare(NE, 0);
            VectorMask<Integer> outside = I.indexInRange(i, length).not();
            exact.blend(lo, ranged).blend(0, outside).intoArray(lowest, 0);
            exact.blend(hi, ranged).blend(0, outside).intoArray(highest, 0);
            long keepBits = 0;
            long between = 0;
            for (int part = 0; part < Tiles.LANES / L.length(); part++) {
                int at = part * L.length();
                LongVector t0 = LongVector.fromArray(L, thresholds, 0, lowest, at);
                LongVector t1 = LongVector.fromArray(L, thresholds, 0, highest, at);
                LongVector u = ((LongVector) IntVector.fromArray(I, draws, base + i).convert(I2L, part)).and(LOW);
                VectorMask<Long> under = u.compare(LT, t0.min(t1));
                keepBits |= under.toLong() << at;
                between |= under.not().and(u.compare(LT, t0.max(t1))).and(L.indexInRange(i + at, length)).toLong()
                        << at;
            }
            IntVector.broadcast(I, (int) keepBits).and(IntVector.fromArray(I, Tiles.LANE_BITS, 0)).compare(NE, 0)
                    .intoArray(keptByFibre, base + i);
            for (; between != 0; between &= between - 1) { // rare: the range holds both outcomes
                int q = i + Long.numberOfTrailingZeros(between);
                keptByFibre[base + q] = (draws[base + q] & LOW) < thresholds[position(base, q)];
            }
        }
    }

    /** The exact position of element {@code i} of the fibre at {@code base}: the keys that rank below it. */
    private int position(int base, int i) {
        int key = keys[base + i];
        // smaller keys before i; smaller or equal ones after it
        return count(base, 0, i + 1, key, ULT) + count(base, i + 1, length, key, ULE);
    }

    /** How many of the fibre's keys {@code [from, to)} stand in relation {@code test} to {@code key}. */
    private int count(int base, int from, int to, int key, VectorOperators.Comparison test) {
        int n = 0;
        int l = from;
        for (int whole = from + I.loopBound(to - from); l < whole; l += Tiles.LANES) {
            n += IntVector.fromArray(I, keys, base + l).compare(test, key).trueCount();
        }
        for (; l < to; l++) {
            int c = Integer.compareUnsigned(keys[base + l], key);
            n += c < 0 || c == 0 && test == ULE ? 1 : 0;
        }
        return n;
    }

    /** {@code out[i] = key == 0 ? 0 : 1 + ((key − low) >>> shift)} for the fibre's keys, lane-wise. */
    private static void bucketIndices(int[] keys, int base, int n, int low, int shift, int[] out) {
        for (int i = 0; i < n; i += Tiles.LANES) {
            IntVector k = IntVector.fromArray(I, keys, base + i);
            k.sub(low).lanewise(LSHR, shift).add(1).blend(0, k.compare(EQ, 0)).intoArray(out, i);
        }
    }

    /**
     * The smallest non-zero key (0 when there is none) in the high half and the largest key in the low half, both
     * unsigned: the keys are compared with the sign bit flipped, which orders them as unsigned numbers. The running
     * minima and maxima stay in small arrays between iterations.
     */
    private long range(int[] keys, int base, int n) {
        Arrays.fill(lows, Integer.MAX_VALUE);
        Arrays.fill(highs, Integer.MIN_VALUE);
        int whole = I.loopBound(n);
        for (int i = 0; i < whole; i += Tiles.LANES) {
            IntVector k = IntVector.fromArray(I, keys, base + i);
            IntVector flipped = k.lanewise(XOR, Integer.MIN_VALUE);
            IntVector.fromArray(I, lows, 0).min(flipped.blend(Integer.MAX_VALUE, k.compare(EQ, 0)))
                    .intoArray(lows, 0);
            IntVector.fromArray(I, highs, 0).max(flipped).intoArray(highs, 0);
        }
        int low = Integer.MAX_VALUE;
        int high = Integer.MIN_VALUE;
        for (int l = 0; l < Tiles.LANES; l++) {
            low = Math.min(low, lows[l]);
            high = Math.max(high, highs[l]);
        }
        for (int i = whole; i < n; i++) {
            int k = keys[base + i];
            low = k == 0 ? low : Math.min(low, k ^ Integer.MIN_VALUE);
            high = Math.max(high, k ^ Integer.MIN_VALUE);
        }
        low ^= Integer.MIN_VALUE;
        high ^= Integer.MIN_VALUE;
        return (high == 0 ? 0 : (long) low << 32) | (high & LOW);
    }
}
