package dev.crucible.backend.cpu;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import static jdk.incubator.vector.VectorOperators.NE;

/**
 * A mask's keep bits over a whole tensor, one bit per element (bit {@code j & 63} of word {@code j >>> 6}), recorded
 * by a pass that evaluated the mask anyway and read back by a later pass instead of evaluating it again. Reading
 * gives back exactly the bits recorded. Threads record disjoint ranges that start at multiples of 64 elements, so
 * they never share a word.
 */
final class MaskBits implements MaskLanes {
    private static final VectorSpecies<Float> F = Tiles.F;
    private final long numel;
    private final long[] words;

    MaskBits(long numel) {
        this.numel = numel;
        this.words = new long[Math.toIntExact(Math.ceilDiv(numel, 64))];
    }

    /** How many elements the bits cover. */
    long numel() {
        return numel;
    }

    /** Records {@code keep[0, n)} for elements {@code [from, from + n)}, {@code from} a multiple of 64. */
    void record(long from, int n, boolean[] keep) {
        for (int i = 0; i < n; i += Tiles.LANES) {
            long lanes = VectorMask.fromArray(F, keep, i).and(F.indexInRange(i, n)).toLong();
            long j = from + i; // a vector's lanes fall in one word: 64 is a multiple of the lane count
            words[(int) (j >>> 6)] |= lanes << (j & 63);
        }
    }

    @Override
    public void fill(long from, int n, boolean[] keep) {
        for (int i = 0; i < n; i += Tiles.LANES) {
            long j = from + i;
            int w = (int) (j >>> 6);
            int s = (int) (j & 63);
            long lanes = words[w] >>> s;
            if (s != 0 && w + 1 < words.length) {
                lanes |= words[w + 1] << (64 - s);
            }
            IntVector.broadcast(Tiles.I, (int) lanes).and(IntVector.fromArray(Tiles.I, Tiles.LANE_BITS, 0))
                    .compare(NE, 0).intoArray(keep, i);
        }
    }
}
