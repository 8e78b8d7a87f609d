package dev.crucible.backend.cpu;

import dev.crucible.backend.Backend;
import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.GtaSpec;
import dev.crucible.backend.Keys;
import dev.crucible.backend.Mask;
import dev.crucible.backend.Operand;
import dev.crucible.backend.Threshold;

import java.util.List;

/**
 * The CPU engines. Both run the same scalar kernels, which define every primitive's bits:
 * <ul>
 *   <li>{@link #reference()}: on the calling thread, element by element; the oracle the other engines are tested
 *       against;</li>
 *   <li>{@link #vector(int)}: the kernels' ranges spread over a thread pool, with the Vector API for the weighted
 *       sum that carries most merges ({@link VectorBlend}).</li>
 * </ul>
 * Elementwise kernels are pure per element and reductions combine fixed chunk partials in a fixed order, so the two
 * engines agree bit for bit whatever the thread count.
 */
public final class CpuBackend implements Backend {
    private final String name;
    private final Runner runner;
    private final boolean vectorised;

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
        boolean simd = vectorised && VectorBlend.supports(b, xs, fibres, out);
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
        long align = Threshold.CHUNK;
        for (Mask m : spec.masks()) {
            if (m instanceof Mask.Della d) {
                align = alignment(d.fibres());
            }
        }
        runner.ranges(out.numel(), align, (from, to) -> GtaKernels.gta(spec, b, xs, out, from, to));
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
            double[] r = Reduction.combine(runner.map(Math.toIntExact(chunks),
                    c -> GramKernels.chunk(b, xs, fibres, 0, c)), pairs);
            System.arraycopy(r, 0, out, 0, pairs);
            return out;
        }
        List<double[]> perFibre = runner.map(Math.toIntExact(fibres.fibres()), f -> Reduction.combine(
                Runner.callingThread().map(Math.toIntExact(chunks), c -> GramKernels.chunk(b, xs, fibres, f, c)),
                pairs));
        for (int f = 0; f < perFibre.size(); f++) {
            System.arraycopy(perFibre.get(f), 0, out, f * pairs, pairs);
        }
        return out;
    }

    @Override
    public double[] l1(Operand b, Operand x, Mask keep) {
        return Reduction.combine(runner.map(Math.toIntExact(Reduction.chunks(x.numel())),
                c -> GtaKernels.l1Chunk(b, x, keep, c)), 2);
    }

    @Override
    public double[] sumSquares(Operand b, Operand[] xs, Mask keep) {
        return Reduction.combine(runner.map(Math.toIntExact(Reduction.chunks(b.numel())),
                c -> SceKernels.sumSquaresChunk(b, xs, keep, c)), xs.length);
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

    // ---- selection ---------------------------------------------------------------------------------------------

    @Override
    public long[] histogram(Keys keys, int shift, int bits, int prefix) {
        return sumCounts(runner.map(Math.toIntExact(Reduction.chunks(keys.numel())), c -> {
            long[] counts = new long[1 << bits];
            long from = (long) c * Threshold.CHUNK;
            SelectionKernels.histogram(keys, shift, bits, prefix, from, Math.min(keys.numel(),
                    from + Threshold.CHUNK), counts);
            return counts;
        }), 1 << bits);
    }

    @Override
    public long[] tieCounts(Keys keys, int key) {
        List<Long> counts = runner.map(Math.toIntExact(Reduction.chunks(keys.numel())),
                c -> SelectionKernels.tieCount(keys, key, c));
        return counts.stream().mapToLong(Long::longValue).toArray();
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
