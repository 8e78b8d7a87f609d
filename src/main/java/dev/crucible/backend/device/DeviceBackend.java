package dev.crucible.backend.device;

import dev.crucible.backend.Backend;
import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.GtaSpec;
import dev.crucible.backend.Keys;
import dev.crucible.backend.Mask;
import dev.crucible.backend.Operand;
import dev.crucible.backend.Reduction;
import dev.crucible.backend.Threshold;
import dev.crucible.io.DType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * The merge primitives on an accelerator ({@link Device}: CUDA or OpenCL), with the same bits as the CPU reference.
 * Each call walks its tensor in {@link Window}s: the operands' slices are uploaded and widened to binary32 on the
 * device, the kernels of {@code kernels/} run over them, and the result is rounded once to the output dtype on the
 * device and copied back. Reductions leave one binary64 partial per chunk of the fixed topology on the device; the
 * host reduces the partials ({@link Reduction#combine}) exactly as the CPU engines do. Selection counts come back as
 * integers, so their sums are exact in any order.
 *
 * <p>Windows start at multiples of 65,536 elements (the tie-prefix chunk, so top-k masks and chunk partials line up
 * with the CPU's) and, where a call works per fibre (DELLA's ranks, per-fibre Gram matrices, Arcee's rows), hold
 * whole blocks of fibres. Their size bounds the device memory a call takes and keeps every buffer below the
 * device's largest allocation (2 GiB on PoCL).
 */
public final class DeviceBackend implements Backend {
    /** Window starts and model strides are multiples of this: the tie-prefix chunk and the reduction chunk. */
    static final long ALIGNMENT = Threshold.CHUNK;
    private static final long DEFAULT_BUDGET = 8L << 30;

    private final Device device;
    private final Scratch scratch;
    private final Masks masks;
    private final Residency residency;
    private final DeviceMemory memory;
    private final long windowCap;

    /** The engine on {@code device}, holding at most the default budget of device memory. */
    public DeviceBackend(Device device) {
        this(device, 0, 1, 0);
    }

    /**
     * One of {@code streams} engines on {@code device} that share {@code budget} bytes of device memory
     * ({@code --max-device-memory}; 0: a quarter of the device's memory, at most 8 GiB): this one holds at most its
     * {@code 1/streams} share. Half the share sizes the windows, half may keep inputs resident; a small budget gives
     * small windows, and the results are the same. Windows hold at most
     * {@code windowCap} elements (rounded to a multiple of 65,536; 0: no cap), which lets tests cross window
     * boundaries on small tensors. A window never splits what a call needs whole (a block of DELLA's fibres); when
     * that needs more than the budget, the call fails with a clear error.
     */
    public DeviceBackend(Device device, long budget, int streams, long windowCap) {
        this.device = device;
        this.windowCap = windowCap > 0 ? Math.max(ALIGNMENT, windowCap / ALIGNMENT * ALIGNMENT) : Long.MAX_VALUE;
        this.memory = new DeviceMemory(budget > 0 ? budget : Math.min(DEFAULT_BUDGET, device.memory() / 4), streams);
        this.scratch = new Scratch(device, memory);
        this.masks = new Masks(device, scratch);
        this.residency = new Residency(device, memory, memory.budget() / 2);
    }

    /** The most device memory this engine has held so far. */
    @Override
    public long devicePeakBytes() {
        return memory.peak();
    }

    @Override
    public String name() {
        return device.name();
    }

    /** The accelerator this engine drives: {@code crucible merge --roofline} times its links to the host. */
    public Device device() {
        return device;
    }

    @Override
    public void beginTensor() {
        residency.begin();
    }

    @Override
    public void endTensor() {
        residency.end();
    }

    // ---- elementwise -------------------------------------------------------------------------------------------

    @Override
    public void blend(Operand b, Operand[] xs, float[] c, FibreLayout fibres, Operand out) {
        Device.Buffer coefficients = scratch.floats("coefficients", c);
        each(out.numel(), ALIGNMENT, xs.length, w -> {
            Device.Buffer r = w.floats("result");
            device.launch("blend", w.groups(), w.vector(b), b == null ? 0 : 1, w.models(xs), xs.length, w.stride,
                    coefficients, fibres.length(), fibres.inner(), w.from, r, w.n);
            store(r, out, w);
        });
    }

    @Override
    public void modelStock(Operand b, Operand[] xs, float[] t, float[] u, FibreLayout fibres, Operand out) {
        Device.Buffer tb = scratch.floats("t", t);
        Device.Buffer ub = scratch.floats("u", u);
        each(out.numel(), ALIGNMENT, xs.length, w -> {
            Device.Buffer r = w.floats("result");
            device.launch("model_stock", w.groups(), w.vector(b), w.models(xs), xs.length, w.stride, tb, ub,
                    fibres.length(), fibres.inner(), w.from, r, w.n);
            store(r, out, w);
        });
    }

    @Override
    public void gta(GtaSpec spec, Operand b, Operand[] xs, Operand out) {
        int models = xs.length;
        Device.Buffer scales = scratch.floats("scales", spec.scales());
        Device.Buffer weights = scratch.floats("weights", spec.weights());
        each(out.numel(), alignment(spec.masks()), 2 * models, w -> {
            Device.Buffer x = w.models(xs);
            Device.Buffer p = spec.inverseP() ? scratch.get("p", 8 * w.stride * models) : null;
            Device.Buffer keep = modelMasks(spec.masks(), w, p);
            Device.Buffer r = w.floats("result");
            device.launch("gta", w.groups(), w.vector(b), x, models, w.stride, keep, p == null ? scratch.absent() : p,
                    spec.inverseP() ? 1 : 0,
                    scales, weights, spec.consensus().ordinal(), spec.normalize() ? 1 : 0, spec.divisor(),
                    spec.lambda(), r, w.n);
            store(r, out, w);
        });
    }

    @Override
    public void sce(Operand b, Operand[] xs, Mask keep, float[] w, Operand out) {
        Device.Buffer weights = scratch.floats("weights", w);
        each(out.numel(), alignment(keep), xs.length, win -> {
            Device.Buffer k = scratch.get("keep", win.n);
            masks.evaluate(keep, win, k, null);
            Device.Buffer r = win.floats("result");
            device.launch("sce", win.groups(), win.vector(b), win.models(xs), xs.length, win.stride, k, weights, r,
                    win.n);
            store(r, out, win);
        });
    }

    @Override
    public void ram(Operand b, Operand[] xs, float epsilon, float[] lambdas, Operand out) {
        Device.Buffer l = lambdas == null ? scratch.absent() : scratch.floats("lambdas", lambdas);
        each(out.numel(), ALIGNMENT, xs.length, w -> {
            Device.Buffer r = w.floats("result");
            device.launch("ram", w.groups(), w.vector(b), w.models(xs), xs.length, w.stride, epsilon, l,
                    lambdas == null ? 0 : 1, r, w.n);
            store(r, out, w);
        });
    }

    @Override
    public void nearswap(Operand b, Operand x, float t, Operand out) {
        each(out.numel(), ALIGNMENT, 2, w -> {
            Device.Buffer r = w.floats("result");
            device.launch("nearswap", w.groups(), w.vector(b), w.vector(x), t, r, w.n);
            store(r, out, w);
        });
    }

    @Override
    public void arceeImportance(Operand a, Operand x, FibreLayout rows, Operand importance) {
        each(importance.numel(), lcm(ALIGNMENT, rows.length()), 2, w -> {
            Device.Buffer r = w.floats("result");
            device.launch("arcee_importance", w.n / rows.length(), w.vector(a), w.vector(x), rows.length(), r,
                    w.n / rows.length());
            store(r, importance, w);
        });
    }

    @Override
    public void arceeBlend(Operand a, Operand x, Operand importance, float threshold, Operand out) {
        each(out.numel(), ALIGNMENT, 3, w -> {
            Device.Buffer r = w.floats("result");
            device.launch("arcee_blend", w.groups(), w.vector(a), w.vector(x), w.vector(importance), threshold, r,
                    w.n);
            store(r, out, w);
        });
    }

    // ---- reductions --------------------------------------------------------------------------------------------

    @Override
    public double[] gram(Operand b, Operand[] xs, FibreLayout fibres) {
        int models = xs.length;
        int pairs = models * (models + 1) / 2;
        double[] out = new double[Math.toIntExact(fibres.fibres() * pairs)];
        if (fibres.fibres() == 1) {
            List<double[]> partials = new ArrayList<>();
            each(fibres.numel(), ALIGNMENT, 2 * models, w -> partials.addAll(
                    gramPartials(b, xs, w, w.n, 1, Math.ceilDiv(w.n, ALIGNMENT), pairs)));
            System.arraycopy(Reduction.combine(partials, pairs), 0, out, 0, pairs);
            return out;
        }
        long block = fibres.length() * fibres.inner();
        long chunks = Math.ceilDiv(fibres.length(), ALIGNMENT);
        each(fibres.numel(), lcm(ALIGNMENT, block), 2 * models, w -> {
            long fibresHere = w.n / block * fibres.inner();
            List<double[]> partials = gramPartials(b, xs, w, fibres.length(), fibres.inner(), chunks, pairs);
            long firstFibre = w.from / block * fibres.inner();
            for (long f = 0; f < fibresHere; f++) {
                double[] sums = Reduction.combine(partials.subList(Math.toIntExact(f * chunks),
                        Math.toIntExact((f + 1) * chunks)), pairs);
                System.arraycopy(sums, 0, out, Math.toIntExact((firstFibre + f) * pairs), pairs);
            }
        });
        return out;
    }

    /**
     * Per group of the window (fibre-major, then chunk), the partials of every pair of vectors {@code x} (or
     * {@code δ = x − b} with a base).
     */
    private List<double[]> gramPartials(Operand b, Operand[] xs, Window w, long length, long inner, long chunks,
                                        int pairs) {
        int models = xs.length;
        Device.Buffer vectors = w.models(xs);
        if (b != null) {
            Device.Buffer deltas = scratch.get("deltas", 4 * w.stride * models);
            for (int m = 0; m < models; m++) {
                device.launch("delta", w.groups(), scratch.slice(vectors, 4 * w.stride * m, 4 * w.n), w.vector(b),
                        scratch.slice(deltas, 4 * w.stride * m, 4 * w.n), w.n);
            }
            vectors = deltas;
        }
        long groups = w.n / (length * inner) * inner * chunks;
        double[][] byPair = new double[pairs][];
        int p = 0;
        for (int i = 0; i < models; i++) {
            for (int k = i; k < models; k++) {
                byPair[p++] = partials(scratch.slice(vectors, 4 * w.stride * i, 4 * w.n),
                        scratch.slice(vectors, 4 * w.stride * k, 4 * w.n), null, true, length, inner, chunks, groups);
            }
        }
        return transpose(byPair, groups);
    }

    @Override
    public double[] l1(Operand b, Operand x, Mask keep) {
        List<double[]> partials = new ArrayList<>();
        each(x.numel(), alignment(keep), 2, w -> {
            Device.Buffer d = w.floats("delta");
            device.launch("delta", w.groups(), w.vector(x), w.vector(b), d, w.n);
            Device.Buffer k = scratch.get("keep", w.n);
            masks.evaluate(keep, w, k, null);
            long chunks = Math.ceilDiv(w.n, ALIGNMENT);
            partials.addAll(transpose(new double[][] {
                partials(d, d, null, false, w.n, 1, chunks, chunks),
                partials(d, d, k, false, w.n, 1, chunks, chunks)}, chunks));
        });
        return Reduction.combine(partials, 2);
    }

    @Override
    public double[] sumSquares(Operand b, Operand[] xs, Mask keep) {
        int models = xs.length;
        List<double[]> partials = new ArrayList<>();
        each(b.numel(), alignment(keep), models, w -> {
            Device.Buffer k = scratch.get("keep", w.n);
            masks.evaluate(keep, w, k, null);
            Device.Buffer x = w.models(xs);
            Device.Buffer d = w.floats("delta");
            long chunks = Math.ceilDiv(w.n, ALIGNMENT);
            double[][] byModel = new double[models][];
            for (int m = 0; m < models; m++) {
                device.launch("delta", w.groups(), scratch.slice(x, 4 * w.stride * m, 4 * w.n), w.vector(b), d, w.n);
                byModel[m] = partials(d, d, k, true, w.n, 1, chunks, chunks);
            }
            partials.addAll(transpose(byModel, chunks));
        });
        return Reduction.combine(partials, models);
    }

    /**
     * Each model's mask over the window, model {@code m}'s bytes at {@code m·stride} of the returned buffer, and with
     * {@code p} its keep probabilities at the same place in {@code p}.
     */
    private Device.Buffer modelMasks(Mask[] modelMasks, Window w, Device.Buffer p) {
        Device.Buffer keep = scratch.get("keep", w.stride * modelMasks.length);
        for (int m = 0; m < modelMasks.length; m++) {
            masks.evaluate(modelMasks[m], w, scratch.slice(keep, w.stride * m, w.n),
                    p == null ? null : scratch.slice(p, 8 * w.stride * m, 8 * w.n));
        }
        return keep;
    }

    /** Adds {@code count} unsigned 32-bit partial counts of {@code src}, cyclically, into {@code into}. */
    private void addCounts(Device.Buffer src, long count, long[] into) {
        int[] parts = download(src, count, ValueLayout.JAVA_INT).toArray(ValueLayout.JAVA_INT);
        for (int i = 0; i < parts.length; i++) {
            into[i % into.length] += Integer.toUnsignedLong(parts[i]);
        }
    }

    /** The {@code reduce_partials} kernel's partials, one per group. */
    private double[] partials(Device.Buffer u, Device.Buffer v, Device.Buffer keep, boolean product, long length,
                              long inner, long chunks, long groups) {
        Device.Buffer out = scratch.get("partials", 8 * groups);
        device.launch("reduce_partials", groups, u, v, keep == null ? scratch.absent() : keep, keep == null ? 0 : 1,
                product ? 1 : 0, length, inner, chunks, out, groups);
        return download(out, groups, ValueLayout.JAVA_DOUBLE).toArray(ValueLayout.JAVA_DOUBLE);
    }

    /** {@code bySum[s][g]} → one array per group {@code g} holding every sum's partial. */
    private static List<double[]> transpose(double[][] bySum, long groups) {
        List<double[]> byGroup = new ArrayList<>(Math.toIntExact(groups));
        for (int g = 0; g < groups; g++) {
            double[] row = new double[bySum.length];
            for (int s = 0; s < bySum.length; s++) {
                row[s] = bySum[s][g];
            }
            byGroup.add(row);
        }
        return byGroup;
    }

    @Override
    public long[] ramCounts(Operand b, Operand[] xs, float epsilon) {
        int models = xs.length;
        long[] counts = new long[2 * models];
        each(b.numel(), ALIGNMENT, models, w -> {
            long chunks = Math.ceilDiv(w.n, ALIGNMENT);
            Device.Buffer out = scratch.get("counts", 4 * chunks * 2 * models);
            device.launch("ram_counts", chunks, w.vector(b), w.models(xs), models, w.stride, epsilon, out, w.n);
            addCounts(out, chunks * 2 * models, counts);
        });
        return counts;
    }

    @Override
    public long[] signConflicts(Operand b, Operand[] xs, Mask[] keep) {
        int models = xs.length;
        long[] counts = new long[2];
        each(b.numel(), alignment(keep), 2 * models, w -> {
            Device.Buffer x = w.models(xs);
            Device.Buffer k = modelMasks(keep, w, null);
            long chunks = Math.ceilDiv(w.n, ALIGNMENT);
            Device.Buffer out = scratch.get("counts", 4 * chunks * 2);
            device.launch("sign_conflicts", chunks, w.vector(b), x, models, w.stride, k, out, w.n);
            addCounts(out, chunks * 2, counts);
        });
        return counts;
    }

    // ---- selection ---------------------------------------------------------------------------------------------

    @Override
    public long[] histogram(Keys keys, int shift, int bits, int prefix) {
        long[] total = new long[1 << bits];
        each(keys.numel(), ALIGNMENT, operands(keys), w -> {
            Device.Buffer k = masks.keys(keys, w, "keys");
            Device.Buffer counts = scratch.get("counts", 4L << bits);
            device.launch("fill_u8", groups(4L << bits), counts, 0, 4L << bits);
            device.launch("histogram", Math.ceilDiv(w.n, ALIGNMENT), k, w.n, shift, bits, prefix, counts);
            int[] c = download(counts, 1L << bits, ValueLayout.JAVA_INT).toArray(ValueLayout.JAVA_INT);
            for (int i = 0; i < c.length; i++) {
                total[i] += Integer.toUnsignedLong(c[i]);
            }
        });
        return total;
    }

    @Override
    public long[] tieCounts(Keys keys, int key) {
        long[] total = new long[Math.toIntExact(Reduction.chunks(keys.numel()))];
        each(keys.numel(), ALIGNMENT, operands(keys), w -> {
            Device.Buffer k = masks.keys(keys, w, "keys");
            long chunks = Math.ceilDiv(w.n, ALIGNMENT);
            Device.Buffer counts = scratch.get("counts", 4 * chunks);
            device.launch("tie_counts", chunks, k, w.n, key, counts);
            int[] c = download(counts, chunks, ValueLayout.JAVA_INT).toArray(ValueLayout.JAVA_INT);
            for (int i = 0; i < c.length; i++) {
                total[Math.toIntExact(w.from / ALIGNMENT) + i] = Integer.toUnsignedLong(c[i]);
            }
        });
        return total;
    }

    /** Digits the histogram kernel counts in local memory (up to 12 bits), one pass more than the CPU's. */
    @Override
    public int[] radixDigits() {
        return new int[] {11, 11, 10};
    }

    private static int operands(Keys keys) {
        return switch (keys) {
            case Keys.DeltaMagnitude k -> 2;
            case Keys.DeltaVariance k -> k.xs().length + 1;
            case Keys.Signed k -> 1;
        };
    }

    // ---- windows and transfers ---------------------------------------------------------------------------------

    /** The work of one window. */
    @FunctionalInterface
    private interface WindowTask {
        void run(Window w);
    }

    /**
     * Runs {@code task} over {@code [0, numel)} in windows starting at multiples of {@code align}, sized so that
     * about {@code vectors} binary32 vectors of the window (plus masks, keys and probabilities) fit the budget.
     */
    private void each(long numel, long align, int vectors, WindowTask task) {
        long size = windowSize(align, vectors);
        try {
            for (long from = 0; from < numel; from += size) {
                task.run(new Window(device, scratch, residency, from, Math.min(numel, from + size)));
                scratch.releaseViews();
            }
        } finally {
            scratch.releaseViews();
        }
    }

    private long windowSize(long align, int vectors) {
        // bytes per element: the vectors, a mask byte and a probability per model, keys, sort entries, result
        long perElement = 4L * (vectors + 8) + 9L * vectors;
        long limit = Math.min(Math.min(memory.budget() / 2 / perElement, windowCap),
                device.maxAllocation() / (8L * Math.max(2, vectors)));
        return Math.max(align, limit / align * align);
    }

    /** The window alignment a call's masks need: DELLA ranks whole blocks of fibres. */
    private static long alignment(Mask... masks) {
        long align = ALIGNMENT;
        for (Mask m : masks) {
            if (m instanceof Mask.Della d) {
                align = lcm(align, d.fibres().length() * d.fibres().inner());
            }
        }
        return align;
    }

    private static long lcm(long a, long b) {
        if (b <= 0) {
            return a;
        }
        long x = a;
        long y = b;
        while (y != 0) {
            long t = x % y;
            x = y;
            y = t;
        }
        return Math.multiplyExact(a / x, b);
    }

    /** Rounds the window's binary32 results once to {@code out}'s dtype on the device and copies them back. */
    private void store(Device.Buffer r, Operand out, Window w) {
        long size = out.dtype().byteSize(1);
        Device.Buffer raw = scratch.get("raw", size * w.n);
        device.launch("narrow_" + suffix(out.dtype()), w.groups(), r, raw, w.n);
        MemorySegment host = out.bytes().asSlice(w.from * size, w.n * size);
        device.download(raw, 0, host);
        residency.written(host);
    }

    private MemorySegment download(Device.Buffer src, long count, ValueLayout layout) {
        MemorySegment host = Arena.ofAuto().allocate(layout.byteSize() * count, layout.byteAlignment());
        device.download(src, 0, host);
        return host;
    }

    /** The {@code <dtype>} part of the conversion kernels' names. */
    static String suffix(DType dtype) {
        return switch (dtype) {
            case BF16 -> "bf16";
            case F16 -> "f16";
            case F32 -> "f32";
            case F64 -> "f64";
            default -> throw new IllegalArgumentException("no device conversion for " + dtype);
        };
    }

    static long groups(long n) {
        return Math.ceilDiv(n, Device.GROUP);
    }

    @Override
    public void close() {
        try {
            residency.close();
            scratch.close();
        } finally {
            device.close();
        }
    }
}
