package dev.crucible.bench;

import dev.crucible.backend.DeviceCatalog;
import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.GtaSpec;
import dev.crucible.backend.Keys;
import dev.crucible.backend.Mask;
import dev.crucible.backend.Operand;
import dev.crucible.backend.device.Device;
import dev.crucible.backend.device.DeviceBackend;
import dev.crucible.io.DType;
import dev.crucible.rng.MaskKey;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;
import java.util.Map;

/**
 * {@code scripts/bench --kernels}: the device engine's primitives on one large bf16 tensor (a base and two models),
 * timed operation by operation ({@link TimedDevice}): host↔device copies against the link, kernels against the
 * device memory's bandwidth as a plain copy kernel ({@code widen_f32}: 4 bytes read and 4 written per element)
 * achieves it. The tensor is one window, so every launch covers all of it, and each primitive runs as one tensor's
 * merge, with its inputs resident between calls. Each primitive runs once to warm up, then {@code --repeat} times; the fastest run is reported.
 *
 * <pre>scripts/bench --kernels [--device cuda|opencl|cuda:N|opencl:N] [--elements N] [--repeat N]</pre>
 */
final class KernelBench {
    private static final int MODELS = 2;
    /**
     * Bytes a kernel reads and writes per element in these runs (binary32 vectors, byte masks, two models), for
     * its bandwidth; kernels whose traffic depends on the call (reductions, sorts) are given in time per element.
     */
    private static final Map<String, Integer> BYTES = Map.of("widen_bf16", 6, "narrow_bf16", 6, "blend", 12, "gta",
            18, "keys_magnitude", 12, "delta", 12, "mask_top", 5, "mask_della", 9, "histogram", 4, "tie_counts", 4);

    private KernelBench() {
    }

    static void run(String device, long elements, int repeat, PrintStream out) {
        try (Arena arena = Arena.ofShared()) {
            Operand base = tensor(arena, elements, 0);
            Operand[] xs = {tensor(arena, elements, 1), tensor(arena, elements, 2)};
            Operand result = new Operand(DType.BF16, arena.allocate(2 * elements), elements);
            TimedDevice timed = new TimedDevice(DeviceCatalog.open(device));
            try (DeviceBackend engine = new DeviceBackend(timed, timed.memory() / 2, 1, elements)) {
                out.printf(Locale.ROOT, "device: %s%ntensor: %,d bf16 elements (%.0f MB), base + %d models%n",
                        timed.name(), elements, 2e-6 * elements, MODELS);
                double copy = copyBandwidth(timed, elements);
                out.printf(Locale.ROOT, "device memory, copy kernel: %.0f GB/s (bytes read + written)%n", copy);
                long k = elements / 2;
                FibreLayout rows = FibreLayout.lastDim(new long[] {elements / 4096, 4096});
                time(out, engine, timed, elements, copy, repeat, "linear",
                        () -> engine.blend(null, xs, new float[] {0.5f, 0.5f}, FibreLayout.whole(elements), result));
                time(out, engine, timed, elements, copy, repeat, "ties (top-k selection and merge)", () -> {
                    Mask[] masks = new Mask[MODELS];
                    for (int m = 0; m < MODELS; m++) {
                        Keys keys = new Keys.DeltaMagnitude(xs[m], base);
                        masks[m] = new Mask.Top(keys, engine.top(keys, k));
                    }
                    engine.gta(spec(masks, false), base, xs, result);
                });
                time(out, engine, timed, elements, copy, repeat, "dare_ties (L1 sums and merge)", () -> {
                    Mask[] masks = new Mask[MODELS];
                    for (int m = 0; m < MODELS; m++) {
                        masks[m] = new Mask.Bernoulli(MaskKey.of(0, "bench", m), 0.5);
                        engine.l1(base, xs[m], masks[m]);
                    }
                    engine.gta(spec(masks, false), base, xs, result);
                });
                time(out, engine, timed, elements, copy, repeat, "della (ranks in rows of 4096, L1 sums, merge)", () -> {
                    Mask[] masks = new Mask[MODELS];
                    for (int m = 0; m < MODELS; m++) {
                        masks[m] = new Mask.Della(new Keys.DeltaMagnitude(xs[m], base), MaskKey.of(0, "bench", m),
                                0.5, 0.1, rows);
                        engine.l1(base, xs[m], masks[m]);
                    }
                    engine.gta(spec(masks, false), base, xs, result);
                });
                time(out, engine, timed, elements, copy, repeat, "gram (slerp's dot products)",
                        () -> engine.gram(base, xs, FibreLayout.whole(elements)));
            }
        }
    }

    private static GtaSpec spec(Mask[] masks, boolean inverseP) {
        return new GtaSpec(masks, new float[] {1f, 1f}, inverseP, new float[] {1f, 1f}, GtaSpec.Consensus.SUM, true,
                2f, 1f);
    }

    /** A bf16 tensor: a smooth pattern, shifted per model so that task vectors have both signs. */
    private static Operand tensor(Arena arena, long n, int model) {
        MemorySegment s = arena.allocate(2 * n, 2);
        for (long j = 0; j < n; j++) {
            float v = (float) (Math.sin(j * 1e-3) * 0.05 + model * 0.001 * ((j * 0x9E3779B97F4A7C15L >>> 60) - 7));
            s.setAtIndex(ValueLayout.JAVA_SHORT, j, (short) (Float.floatToRawIntBits(v) >>> 16));
        }
        return new Operand(DType.BF16, s, n);
    }

    /** Bandwidth of the widen_f32 kernel (a bit copy) over {@code n} resident elements, the best of five. */
    private static double copyBandwidth(TimedDevice device, long n) {
        try (Device.Buffer src = device.allocate(4 * n); Device.Buffer dst = device.allocate(4 * n)) {
            double best = Double.MAX_VALUE;
            for (int r = 0; r < 6; r++) {
                device.reset();
                device.launch("widen_f32", Math.ceilDiv(n, Device.GROUP), src, dst, n);
                if (r > 0) {
                    best = Math.min(best, device.totals().get("widen_f32").nanos / 1e9);
                }
            }
            return 8.0 * n / best / 1e9;
        }
    }

    /** Runs {@code primitive} as one tensor's merge (inputs stay resident between its calls), timed. */
    private static void time(PrintStream out, DeviceBackend engine, TimedDevice device, long n, double copy,
                             int repeat, String what, Runnable calls) {
        Runnable primitive = () -> {
            engine.beginTensor();
            try {
                calls.run();
            } finally {
                engine.endTensor();
            }
        };
        primitive.run();
        double best = Double.MAX_VALUE;
        Map<String, TimedDevice.Totals> breakdown = null;
        for (int r = 0; r < repeat; r++) {
            device.reset();
            long start = System.nanoTime();
            primitive.run();
            double seconds = (System.nanoTime() - start) / 1e9;
            if (seconds < best) {
                best = seconds;
                breakdown = Map.copyOf(device.totals());
            }
        }
        out.printf(Locale.ROOT, "%s: %.1f ms%n", what, best * 1e3);
        breakdown.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue().nanos, a.getValue().nanos))
                .forEach(e -> {
                    TimedDevice.Totals t = e.getValue();
                    double seconds = t.nanos / 1e9;
                    Integer perElement = BYTES.get(e.getKey());
                    String rate;
                    if (t.bytes > 0) {
                        rate = String.format(Locale.ROOT, "  %.1f GB/s", t.bytes / seconds / 1e9);
                    } else if (perElement != null) {
                        double gbs = (double) perElement * n * t.calls / seconds / 1e9;
                        rate = String.format(Locale.ROOT, "  %.0f GB/s, %.0f%% of the copy kernel's", gbs,
                                100 * gbs / copy);
                    } else {
                        rate = String.format(Locale.ROOT, "  %.2f ns/element", t.nanos / (double) (t.calls * n));
                    }
                    out.printf(Locale.ROOT, "    %-20s %3d× %8.2f ms%s%n", e.getKey(), t.calls, t.nanos / 1e6, rate);
                });
    }
}
