package dev.crucible.bench;

import dev.crucible.CrucibleException;
import dev.crucible.roofline.DeviceLinks;
import dev.crucible.roofline.PageCache;
import dev.crucible.roofline.Roofline;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code scripts/bench}: merges synthetic bf16 checkpoints (a base and two fine-tunes, {@link BenchModels}) with each
 * method on each engine through the real CLI path ({@link MergeRun}) and states every time against the I/O roofline
 * ({@link Roofline}) built from links measured in the same run on the same machine: page-cache read, disk read, write
 * ({@link StorageLinks}) and, per accelerator, host↔device copies ({@link DeviceLinks}).
 *
 * <pre>
 * scripts/bench [--size tiny|1g|7b] [--layers N] [--hidden N] [--intermediate N] [--vocab N]
 *               [--methods a,b,...] [--devices cpu,opencl,cuda] [--streams N,...] [--threads N] [--repeat N]
 *               [--cold] [--dir DIR] [--csv FILE]
 * scripts/bench --kernels [--device cuda|opencl|cuda:N|opencl:N] [--elements N] [--repeat N]   ({@link KernelBench})
 * </pre>
 * <ul>
 * <li>{@code --size}: {@code tiny} (2 layers, hidden 256, intermediate 688, vocab 1024: 4.2 MB per model, for tests),
 * {@code 1g} (default; 8 × 2048 × 5632 × 32000: 1.08 GB), {@code 7b} (32 × 4096 × 11008 × 32000: 13.5 GB). The
 * shape options override the preset's. Models are generated once per shape under {@code DIR/models-LxHxIxV}; the run
 * stops first, in one line, when {@code DIR}'s disk cannot hold them (if new) and one output.</li>
 * <li>{@code --methods}: default {@code linear,slerp,ties,dare_ties,della,model_stock}.</li>
 * <li>{@code --devices} (or {@code --device}): default {@code cpu}; also {@code cpu-reference}, {@code cuda[:N]},
 * {@code opencl[:N]}. Every method runs on every engine; an engine that cannot open prints
 * {@code cuda: unavailable (reason)} and is skipped. {@code --threads}: the CPU engine's threads (default: all
 * cores). {@code --streams}: the merge's {@code --streams}, a table per count on each accelerator (default 2; e.g.
 * {@code 1,2} to see what the second stream gains).</li>
 * <li>{@code --repeat N}: merges per (engine, method), default 1; the table shows the first (for the first row, the
 * process's first merge: cold JIT) and the fastest.</li>
 * <li>{@code --cold}: the inputs are evicted from the page cache before every merge and the roofline reads from the
 * disk; without it the inputs stay in the page cache (warm).</li>
 * <li>{@code --dir}: models and scratch output, default {@code target/bench}. {@code --csv FILE}: one row per (engine,
 * method).</li>
 * </ul>
 * CSV columns ({@link BenchReport#CSV_HEADER}; times in seconds, bandwidths in GB/s = 1e9 bytes/s):
 * {@code device} (the {@code --devices} item), {@code streams} (1 on the CPU engines), {@code method}, {@code size} (preset or {@code custom}), {@code shape}
 * ({@code LxHxIxV}), {@code read_link} ({@code cache} or {@code disk}), {@code runs}, {@code first_s},
 * {@code best_s}, {@code read_bytes} (R: distinct input tensor bytes), {@code written_bytes} (W: output tensor
 * bytes), {@code gb_per_s} ((R + W) / best), {@code roofline_s} (the slowest link's time, {@link Roofline}),
 * {@code bound} ({@code cache}, {@code disk}, {@code write}, {@code h2d} or {@code d2h}), {@code efficiency}
 * (roofline_s / best_s), {@code serial_io_s} (R / read + W / write, never overlapped), {@code read_gb_per_s},
 * {@code write_gb_per_s}, {@code h2d_gb_per_s}, {@code d2h_gb_per_s} (the links used; h2d and d2h empty on the CPU).
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command line: 0 done, 1 failed (one line on {@code err}), 2 bad usage. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
                out.println(BenchOptions.USAGE);
            } else if (args.length > 0 && args[0].equals("--kernels")) {
                kernels(args, out);
            } else {
                merges(BenchOptions.parse(args), out);
            }
            return 0;
        } catch (BenchOptions.UsageException e) {
            err.println("bench: " + e.getMessage());
            err.println(BenchOptions.USAGE);
            return 2;
        } catch (CrucibleException e) {
            err.println("bench: " + e.getMessage());
            return 1;
        } catch (IOException | UncheckedIOException e) {
            err.println("bench: " + e);
            return 1;
        }
    }

    private static void merges(BenchOptions o, PrintStream out) throws IOException {
        BenchModels models = BenchModels.prepare(o.shape(), o.shapeText(), o.dir(), out);
        List<Engine> engines = new ArrayList<>();
        List<String> unavailable = new ArrayList<>();
        for (String spec : o.devices()) {
            try {
                engines.addAll(Engine.open(spec, o.threads()).perStreams(o.streams()));
            } catch (RuntimeException e) {
                unavailable.add(Engine.unavailable(spec, e));
            }
        }
        StorageLinks links = StorageLinks.measure(models, o.dir());
        BenchReport report = new BenchReport(out, o);
        report.header(engines, unavailable, models, links);
        if (engines.isEmpty()) {
            throw new CrucibleException("none of --devices " + String.join(",", o.devices()) + " opened");
        }
        if (o.cold() && links.diskProblem() != null) {
            throw new CrucibleException("--cold bounds reads by the disk, whose bandwidth was not measured: "
                    + links.diskProblem());
        }
        List<MergeRun> merges = new ArrayList<>();
        for (String method : o.methods()) {
            merges.add(MergeRun.prepare(method, models, o.dir()));
        }
        List<Path> inputs = models.files();
        List<BenchResult> results = new ArrayList<>();
        for (Engine engine : engines) {
            report.table(engine);
            Roofline.Links engineLinks = links.links(o.cold(), engine.links());
            for (MergeRun merge : merges) {
                double first = 0;
                double best = Double.POSITIVE_INFINITY;
                for (int r = 0; r < o.repeat(); r++) {
                    if (o.cold()) {
                        PageCache.evict(inputs);
                    }
                    double seconds = merge.time(engine, o.threads());
                    first = r == 0 ? seconds : first;
                    best = Math.min(best, seconds);
                }
                BenchResult result = new BenchResult(engine, merge.method(), o.repeat(), first, best,
                        merge.read(), merge.written(), engineLinks, Roofline.of(merge.read(), merge.written(),
                        engineLinks));
                report.row(result);
                results.add(result);
            }
        }
        if (o.csv() != null) {
            report.csv(o.csv(), results);
        }
    }

    /** {@code --kernels [--device D] [--elements N] [--repeat N]}: {@link KernelBench}. */
    private static void kernels(String[] args, PrintStream out) {
        String device = "cuda";
        long elements = 1L << 26;
        int repeat = 3;
        for (int i = 1; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new BenchOptions.UsageException("missing value after " + args[i]);
            }
            switch (args[i]) {
                case "--device" -> device = args[i + 1];
                case "--elements" -> elements = Long.parseLong(args[i + 1]);
                case "--repeat" -> repeat = Integer.parseInt(args[i + 1]);
                default -> throw new BenchOptions.UsageException("unknown option " + args[i]);
            }
        }
        KernelBench.run(device, elements, repeat, out);
    }
}
