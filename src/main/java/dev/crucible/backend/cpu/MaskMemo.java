package dev.crucible.backend.cpu;

import dev.crucible.backend.Mask;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * The keep bits of masks that the vector engine evaluated over a whole tensor for an L1 sum (the rescale of DARE and
 * DELLA), for the merge pass that follows: it reads them instead of drawing Philox numbers and ranking fibres a
 * second time. The bits are the mask's, so using them changes nothing but the time. Masks are matched by identity
 * and handed out once (the merge pass is their last use); at most {@link #BUDGET_BITS} bits are held, the oldest
 * entries dropped first.
 */
final class MaskMemo {
    /** 256 MiB of bits: the masks of a few models over tensors of half a billion elements. */
    static final long BUDGET_BITS = 1L << 31;

    private record Entry(Mask mask, MaskBits bits) {
    }

    private final Deque<Entry> entries = new ArrayDeque<>();
    private long held;

    synchronized void put(Mask mask, MaskBits bits) {
        if (bits.numel() > BUDGET_BITS) {
            return;
        }
        entries.addLast(new Entry(mask, bits));
        held += bits.numel();
        while (held > BUDGET_BITS) {
            held -= entries.removeFirst().bits().numel();
        }
    }

    /** The bits recorded for {@code mask} over at least {@code numel} elements, removed from the memo, or null. */
    synchronized MaskBits take(Mask mask, long numel) {
        for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.mask() == mask) {
                it.remove();
                held -= e.bits().numel();
                return e.bits().numel() >= numel ? e.bits() : null;
            }
        }
        return null;
    }
}
