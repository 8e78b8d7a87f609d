package dev.crucible.backend.cpu;

import dev.crucible.backend.Keys;
import dev.crucible.backend.Selection;
import dev.crucible.backend.Threshold;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.UGT;
import static jdk.incubator.vector.VectorOperators.ULT;

/**
 * The vector engine's exact top-k threshold, usually in one pass over the keys instead of the two or three of
 * {@link Selection#top}'s radix select. The answer is the same {@link Threshold}: only the route differs.
 *
 * <p>A sample of {@link #SAMPLE} keys, in {@link #RUNS} evenly spaced runs of one vector (scattered single keys
 * would cost a cache miss each), brackets the k-th largest key: in the sorted sample it lies near position
 * {@code SAMPLE·(1 − k/numel)}, and the bracket {@code [lo, hi]} spans five standard deviations of that position's
 * sampling error (binomial, {@code √(SAMPLE·q·(1 − q))}) either side, plus a constant. One pass counts, per chunk,
 * the keys above {@code hi}, equal to {@code hi} and equal to {@code lo}, and copies those strictly between, in
 * element order. Weights in BF16 repeat values a great deal, so the threshold often sits in a mass of equal keys; the
 * bracket's ends then fall on that value and it is counted, not copied. The counts place the k-th largest: on
 * {@code hi}, among the copies (a radix select over them finds it, their positions give the tie counts per chunk),
 * or on {@code lo}. When it lies outside the bracket (a sample far off), or the copies outgrow their cap, the radix
 * select over all keys runs instead.
 */
final class BracketSelection {
    /** Runs of consecutive keys sampled to place the bracket, and the keys sampled. */
    static final int RUNS = 1 << 12;
    static final int SAMPLE = RUNS * Tiles.LANES;
    /** Smaller tensors take the radix passes, which cost little there. */
    static final long MIN_NUMEL = 1 << 21;
    /** How many times its share of the bracket's keys a range may copy. */
    private static final double RANGE_SLACK = 8;
    private static final VectorSpecies<Integer> I = Tiles.I;

    private BracketSelection() {
    }

    static Threshold top(CpuBackend engine, Runner runner, Keys keys, long k) {
        Threshold found = bracketed(runner, keys, k);
        return found != null ? found : Selection.top(engine, keys, k);
    }

    /** The threshold found within the bracket, or null when the bracket misses it or the tensor is small. */
    static Threshold bracketed(Runner runner, Keys keys, long k) {
        long numel = keys.numel();
        if (numel < MIN_NUMEL || k <= 0 || k >= numel) {
            return null;
        }
        int[] sample = sample(keys);
        double q = (double) k / numel;
        double margin = 5 * Math.sqrt(SAMPLE * q * (1 - q)) + 32;
        double at = SAMPLE * (1 - q);
        int loIndex = (int) Math.floor(at - margin);
        int hiIndex = (int) Math.ceil(at + margin);
        // past the sample's ends the bracket is open: every key below (above) belongs to it
        int lo = loIndex <= 0 ? 0 : sample[loIndex] ^ Integer.MIN_VALUE;
        int hi = hiIndex >= SAMPLE - 1 ? -1 : sample[hiIndex] ^ Integer.MIN_VALUE;
        // a range may hold several times its share of the bracket (weights differ by region); beyond that, the
        // bracket is wrong or full of equal keys
        double share = RANGE_SLACK * (Math.min(SAMPLE, hiIndex + 1) - Math.max(0, loIndex)) / SAMPLE;
        List<Piece> pieces = runner.mapRanges(numel, Threshold.CHUNK, (from, to) -> Piece.collect(new KeyLanes(keys),
                lo, hi, from, to, (long) (share * (to - from)) + Tiles.SIZE));
        long above = 0;
        long atHi = 0;
        long between = 0;
        long atLo = 0;
        for (Piece p : pieces) {
            if (p == null) {
                return null;
            }
            above += p.above;
            atHi += sum(p.atHi);
            between += p.count;
            atLo += sum(p.atLo);
        }
        if (k <= above) {
            return null;
        }
        if (k <= above + atHi) {
            return threshold(pieces, numel, hi, k - above, atHi, Piece::atHi);
        }
        if (k <= above + atHi + between) {
            if (between > Integer.MAX_VALUE - 8) {
                return null;
            }
            return within(pieces, numel, (int) between, k - above - atHi);
        }
        if (k <= above + atHi + between + atLo) {
            return threshold(pieces, numel, lo, k - above - atHi - between, atLo, Piece::atLo);
        }
        return null;
    }

    private static long sum(int[] counts) {
        long sum = 0;
        for (int c : counts) {
            sum += c;
        }
        return sum;
    }

    /**
     * The threshold on {@code key}, {@code ties} of its {@code equal} keys kept; {@code perChunk} gives each piece's
     * count of them per chunk, from which the tie prefix is summed when not every tie is kept.
     */
    private static Threshold threshold(List<Piece> pieces, long numel, int key, long ties, long equal,
                                       Function<Piece, int[]> perChunk) {
        long[] tiePrefix = new long[Math.toIntExact(Math.ceilDiv(numel, Threshold.CHUNK))];
        if (ties < equal) {
            long before = 0;
            for (Piece p : pieces) {
                int[] counts = perChunk.apply(p);
                for (int c = 0; c < counts.length; c++) {
                    tiePrefix[p.firstChunk + c] = before;
                    before += counts[c];
                }
            }
        }
        return new Threshold(key, ties, tiePrefix);
    }

    /** Runs of keys from {@code ⌊r·numel/RUNS⌋}, sign bits flipped so that signed order is the unsigned order. */
    private static int[] sample(Keys keys) {
        long numel = keys.numel();
        KeyLanes lanes = new KeyLanes(keys);
        int[] sample = new int[SAMPLE];
        int[] run = new int[Tiles.LANES];
        for (int r = 0; r < RUNS; r++) {
            lanes.fill(r * numel / RUNS, Tiles.LANES, run);
            for (int l = 0; l < Tiles.LANES; l++) {
                sample[r * Tiles.LANES + l] = run[l] ^ Integer.MIN_VALUE;
            }
        }
        Arrays.sort(sample);
        return sample;
    }

    /** The threshold whose key is the {@code rank}-th largest of the keys strictly inside the bracket. */
    private static Threshold within(List<Piece> pieces, long numel, int count, long rank) {
        int[] all = new int[count];
        int n = 0;
        for (Piece p : pieces) {
            System.arraycopy(p.keys, 0, all, n, p.count);
            n += p.count;
        }
        int key = kthLargest(all, rank);
        long greater = 0;
        long equal = 0;
        for (int v : all) {
            int c = Integer.compareUnsigned(v, key);
            greater += c > 0 ? 1 : 0;
            equal += c == 0 ? 1 : 0;
        }
        return threshold(pieces, numel, key, rank - greater, equal, p -> p.copiesPerChunk(key));
    }

    /** The {@code rank}-th largest (1-based) of {@code keys} as unsigned values: two 16-bit radix passes. */
    private static int kthLargest(int[] keys, long rank) {
        int prefix = 0;
        long left = rank;
        for (int shift = 16; shift >= 0; shift -= 16) {
            long[] counts = new long[1 << 16];
            for (int v : keys) {
                if (shift == 16 || v >>> 16 == prefix >>> 16) {
                    counts[(v >>> shift) & 0xFFFF]++;
                }
            }
            int digit = 0xFFFF;
            while (counts[digit] < left) {
                left -= counts[digit];
                digit--;
            }
            prefix |= digit << shift;
        }
        return prefix;
    }

    /**
     * One range's pass: how many keys lie above the bracket; per chunk of {@link Threshold#CHUNK} elements, how many
     * equal {@code hi} and {@code lo} (none apart when they are the same value); and the keys strictly between, in
     * element order, with per chunk how many copies precede the chunk's end. Null when the copies outgrow
     * {@code cap}.
     */
    private record Piece(long above, int[] atHi, int[] atLo, int[] keys, int count, int firstChunk, int[] chunkEnds) {
        static Piece collect(KeyLanes lanes, int lo, int hi, long from, long to, long cap) {
            int chunks = Math.toIntExact(Math.ceilDiv(to - from, Threshold.CHUNK));
            int[] tile = new int[Tiles.SIZE];
            int[] copies = new int[(int) Math.min(cap, 1 << 14)];
            int[] atHi = new int[chunks];
            int[] atLo = new int[chunks];
            int[] chunkEnds = new int[chunks];
            boolean apart = lo != hi;
            long above = 0;
            int count = 0;
            for (long start = from; start < to; start += Tiles.SIZE) {
                int n = (int) Math.min(Tiles.SIZE, to - start);
                int chunk = (int) ((start - from) / Threshold.CHUNK);
                lanes.fill(start, n, tile);
                for (int i = 0; i < n; i += Tiles.LANES) {
                    IntVector v = IntVector.fromArray(I, tile, i);
                    VectorMask<Integer> valid = I.indexInRange(i, n);
                    above += v.compare(UGT, hi).and(valid).trueCount();
                    atHi[chunk] += v.compare(EQ, hi).and(valid).trueCount();
                    if (!apart) {
                        continue;
                    }
                    atLo[chunk] += v.compare(EQ, lo).and(valid).trueCount();
                    long inside = v.compare(UGT, lo).and(v.compare(ULT, hi)).and(valid).toLong();
                    if (inside == 0) {
                        continue;
                    }
                    if (count + Long.bitCount(inside) > copies.length) {
                        if (count + Long.bitCount(inside) > cap) {
                            return null;
                        }
                        copies = Arrays.copyOf(copies, (int) Math.min(cap, 2L * copies.length + Tiles.LANES));
                    }
                    for (; inside != 0; inside &= inside - 1) {
                        copies[count++] = tile[i + Long.numberOfTrailingZeros(inside)];
                    }
                }
                chunkEnds[chunk] = count;
            }
            return new Piece(above, atHi, atLo, copies, count, Math.toIntExact(from / Threshold.CHUNK), chunkEnds);
        }

        /** Per chunk, how many of the copies equal {@code key}. */
        int[] copiesPerChunk(int key) {
            int[] counts = new int[chunkEnds.length];
            for (int c = 0, i = 0; c < chunkEnds.length; c++) {
                for (; i < chunkEnds[c]; i++) {
                    counts[c] += keys[i] == key ? 1 : 0;
                }
            }
            return counts;
        }
    }
}
