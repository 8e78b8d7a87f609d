package dev.crucible.backend.cpu;

import dev.crucible.backend.Reduction;

import dev.crucible.backend.Backend;
import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.GtaSpec;
import dev.crucible.backend.Keys;
import dev.crucible.backend.Mask;
import dev.crucible.backend.Operand;
import dev.crucible.backend.Selection;
import dev.crucible.backend.Threshold;

import java.util.ArrayList;
import java.util.List;

/**
 * The CPU engines:
 * <ul>
 *   <li>{@link #reference()}: the scalar kernels ({@code *Kernels}, {@link MaskCursor}) on the calling thread,
 *       element by element. They define every primitive's bits; the oracle the other engines are tested against.</li>
 *   <li>{@link #vector(int)}: ranges spread over a thread pool, and the Vector API ({@code *Lanes},
 *       {@link VectorBlend}) for the primitives the merge methods spend their time in: blend, generalized task
 *       arithmetic with its masks (Philox draws, top-k thresholds), the reductions and the selection counts. Each
 *       vector path states why it computes the scalar kernel's bits; the rest runs the scalar kernels.</li>
 * </ul>
 * Elementwise kernels are pure per element and reductions combine fixed chunk partials in a fixed order, so the two
 * engines agree bit for bit whatever the thread count.
 */
public final class CpuBackend implements Backend {
    private final String name;
    private final Runner runner;
    private final boolean vectorised;
    /** The vector engine's mask bits from an L1 sum, for the merge pass after it. */
    private final MaskMemo memo = new MaskMemo();

    private CpuBackend(String name, Runner runner, boolean vectorised) {
        this.name = name;
        this.runner = runner;
        this.vectorised = vectorised;
    }

    /** The scalar oracle, single-threaded. */
    public static CpuBackend reference() {
        return new CpuBackend("cpu-reference", Runner.callingThread(), false);
    }

    /** The fast engine: {@code threads} workers and SIMD where it pays. */
    public static CpuBackend vector(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        return new CpuBackend("cpu-vector", Runner.pool(threads), true);
    }

    @Override
    public String name() {
        return name;
    }

    // ---- elementwise -------------------------------------------------------------------------------------------

    @Override
    public void blend(Operand b, Operand[] xs, float[] c, FibreLayout fibres, Operand out) {
        boolean simd = vectorised && VectorBlend.supports(fibres);
        runner.ranges(out.numel(), Threshold.CHUNK, (from, to) -> {
            if (simd) {
                VectorBlend.blend(b, xs, c, fibres, out, from, to);
            } else {
                BlendKernels.blend(b, xs, c, fibres, out, from, to);
            }
        });
    }

    @Override
    public void modelStock(Operand b, Operand[] xs, float[] t, float[] u, FibreLayout fibres, Operand out) {
        runner.ranges(out.numel(), 1, (from, to) -> BlendKernels.modelStock(b, xs, t, u, fibres, out, from, to));
    }

    @Override
    public void gta(GtaSpec spec, Operand b, Operand[] xs, Operand out) {
        long align = alignment(spec.masks());
        if (!vectorised || !GtaLanes.supports(spec)) {
            runner.ranges(out.numel(), align, (from, to) -> GtaKernels.gta(spec, b, xs, out, from, to));
            return;
        }
        MaskBits[] recorded = new MaskBits[xs.length];
        for (int m = 0; m < xs.length; m++) {
            recorded[m] = memo.take(spec.masks()[m], out.numel());
        }
        runner.ranges(out.numel(), align, (from, to) -> {
            MaskLanes[] masks = new MaskLanes[xs.length];
            for (int m = 0; m < xs.length; m++) {
                masks[m] = recorded[m] != null ? recorded[m] : MaskLanes.of(spec.masks()[m]);
            }
            GtaLanes.gta(spec, b, xs, out, masks, from, to);
        });
    }

    @Override
    public void sce(Operand b, Operand[] xs, Mask keep, float[] w, Operand out) {
        runner.ranges(out.numel(), Threshold.CHUNK, (from, to) -> SceKernels.sce(b, xs, keep, w, out, from, to));
    }

    @Override
    public void ram(Operand b, Operand[] xs, float epsilon, float[] lambdas, Operand out) {
        runner.ranges(out.numel(), 1, (from, to) -> RamKernels.ram(b, xs, epsilon, lambdas, out, from, to));
    }

    @Override
    public void nearswap(Operand b, Operand x, float t, Operand out) {
        runner.ranges(out.numel(), 1, (from, to) -> PairKernels.nearswap(b, x, t, out, from, to));
    }

    @Override
    public void arceeImportance(Operand a, Operand x, FibreLayout rows, Operand importance) {
        runner.ranges(rows.fibres(), 1, (from, to) -> PairKernels.arceeImportance(a, x, rows, importance, from, to));
    }

    @Override
    public void arceeBlend(Operand a, Operand x, Operand importance, float threshold, Operand out) {
        runner.ranges(out.numel(), 1, (from, to) -> PairKernels.arceeBlend(a, x, importance, threshold, out, from,
                to));
    }

    /** Where ranges over elements under {@code masks} may start: whole blocks of fibres for DELLA masks. */
    private static long alignment(Mask[] masks) {
        long align = Threshold.CHUNK;
        for (Mask m : masks) {
            if (m instanceof Mask.Della d) {
                align = alignment(d.fibres());
            }
        }
        return align;
    }

    /** Ranges that start at whole blocks of fibres, so per-fibre state never straddles two workers. */
    private static long alignment(FibreLayout fibres) {
        return Math.max(1, fibres.length() * fibres.inner());
    }

    // ---- reductions --------------------------------------------------------------------------------------------

    @Override
    public double[] gram(Operand b, Operand[] xs, FibreLayout fibres) {
        int pairs = GramKernels.pairs(xs.length);
        long chunks = Reduction.chunks(fibres.length());
        double[] out = new double[Math.toIntExact(fibres.fibres() * pairs)];
        if (fibres.fibres() == 1) {
            double[] r = Reduction.combine(runner.map(Math.toIntExact(chunks), c -> gramChunk(b, xs, fibres, 0, c)),
                    pairs);
            System.arraycopy(r, 0, out, 0, pairs);
            return out;
        }
        List<double[]> perFibre = runner.map(Math.toIntExact(fibres.fibres()), f -> Reduction.combine(
                Runner.callingThread().map(Math.toIntExact(chunks), c -> gramChunk(b, xs, fibres, f, c)), pairs));
        for (int f = 0; f < perFibre.size(); f++) {
            System.arraycopy(perFibre.get(f), 0, out, f * pairs, pairs);
        }
        return out;
    }

    /** Chunk {@code c} of fibre {@code f}: in lanes when the fibre is contiguous (rows, whole tensors). */
    private double[] gramChunk(Operand b, Operand[] xs, FibreLayout fibres, long f, long c) {
        if (!vectorised || fibres.inner() != 1) {
            return GramKernels.chunk(b, xs, fibres, f, c);
        }
        long from = c * Threshold.CHUNK;
        return ReductionLanes.gramChunk(b, xs, fibres.index(f, from),
                Math.min(fibres.length() - from, Threshold.CHUNK));
    }

    @Override
    public double[] l1(Operand b, Operand x, Mask keep) {
        if (!vectorised) {
            return Reduction.combine(runner.map(Math.toIntExact(Reduction.chunks(x.numel())),
                    c -> GtaKernels.l1Chunk(b, x, keep, c)), 2);
        }
        // a mask worth more than reading its bits back is recorded for the gta pass that follows
        MaskBits record = keep instanceof Mask.All || keep instanceof Mask.None ? null : new MaskBits(x.numel());
        double[] sums = Reduction.combine(chunkPartials(x.numel(),
                (from, to) -> ReductionLanes.l1(b, x, MaskLanes.of(keep), record, from, to)), 2);
        if (record != null) {
            memo.put(keep, record);
        }
        return sums;
    }

    @Override
    public double[] sumSquares(Operand b, Operand[] xs, Mask keep) {
        if (!vectorised) {
            return Reduction.combine(runner.map(Math.toIntExact(Reduction.chunks(b.numel())),
                    c -> SceKernels.sumSquaresChunk(b, xs, keep, c)), xs.length);
        }
        return Reduction.combine(chunkPartials(b.numel(),
                (from, to) -> ReductionLanes.sumSquares(b, xs, MaskLanes.of(keep), from, to)), xs.length);
    }

    /** The chunk partials of {@code n} elements, computed in pieces of whole chunks, in chunk order. */
    private List<double[]> chunkPartials(long n, Runner.RangeFunction<List<double[]>> pieces) {
        List<double[]> partials = new ArrayList<>();
        for (List<double[]> piece : runner.mapRanges(n, Threshold.CHUNK, pieces)) {
            partials.addAll(piece);
        }
        return partials;
    }

    @Override
    public long[] ramCounts(Operand b, Operand[] xs, float epsilon) {
        return sumCounts(runner.map(Math.toIntExact(Reduction.chunks(b.numel())), c -> {
            long[] counts = new long[2 * xs.length];
            long from = (long) c * Threshold.CHUNK;
            RamKernels.counts(b, xs, epsilon, from, Math.min(b.numel(), from + Threshold.CHUNK), counts);
            return counts;
        }), 2 * xs.length);
    }

    @Override
    public long[] signConflicts(Operand b, Operand[] xs, Mask[] keep) {
        return sumCounts(runner.mapRanges(b.numel(), alignment(keep), (from, to) -> {
            long[] counts = new long[2];
            ConflictKernels.count(b, xs, keep, from, to, counts);
            return counts;
        }), 2);
    }

    // ---- selection ---------------------------------------------------------------------------------------------

    @Override
    public long[] histogram(Keys keys, int shift, int bits, int prefix) {
        if (!vectorised) {
            return sumCounts(runner.map(Math.toIntExact(Reduction.chunks(keys.numel())), c -> {
                long[] counts = new long[1 << bits];
                long from = (long) c * Threshold.CHUNK;
                SelectionKernels.histogram(keys, shift, bits, prefix, from, Math.min(keys.numel(),
                        from + Threshold.CHUNK), counts);
                return counts;
            }), 1 << bits);
        }
        long[] total = new long[1 << bits];
        for (int[] part : runner.mapRanges(keys.numel(), Threshold.CHUNK, (from, to) -> {
            int[] counts = new int[1 << bits]; // a piece has fewer than 2^31 elements
            SelectionLanes.histogram(new KeyLanes(keys), shift, bits, prefix, from, to, counts);
            return counts;
        })) {
            for (int i = 0; i < total.length; i++) {
                total[i] += part[i];
            }
        }
        return total;
    }

    @Override
    public long[] tieCounts(Keys keys, int key) {
        if (!vectorised) {
            List<Long> counts = runner.map(Math.toIntExact(Reduction.chunks(keys.numel())),
                    c -> SelectionKernels.tieCount(keys, key, c));
            return counts.stream().mapToLong(Long::longValue).toArray();
        }
        List<long[]> pieces = runner.mapRanges(keys.numel(), Threshold.CHUNK,
                (from, to) -> SelectionLanes.tieCounts(new KeyLanes(keys), key, from / Threshold.CHUNK, to));
        long[] counts = new long[Math.toIntExact(Reduction.chunks(keys.numel()))];
        int c = 0;
        for (long[] piece : pieces) {
            System.arraycopy(piece, 0, counts, c, piece.length);
            c += piece.length;
        }
        return counts;
    }

    @Override
    public Threshold top(Keys keys, long k) {
        return vectorised ? BracketSelection.top(this, runner, keys, k) : Selection.top(this, keys, k);
    }

    /** Integer counts are exact in any order. */
    private static long[] sumCounts(List<long[]> parts, int size) {
        long[] total = new long[size];
        for (long[] p : parts) {
            for (int i = 0; i < size; i++) {
                total[i] += p[i];
            }
        }
        return total;
    }

    @Override
    public void close() {
        runner.close();
    }
}
