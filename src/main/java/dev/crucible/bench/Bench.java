package dev.crucible.bench;

import dev.crucible.cli.Main;
import dev.crucible.demo.TinyLlama;
import dev.crucible.io.DType;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code scripts/bench}: merges synthetic bf16 checkpoints (a base and two fine-tunes) with each method through the
 * real CLI path and states every time against the I/O roofline measured in the same run on the same machine
 * (numerics-and-gpu.md §12): reading the inputs from the page cache, plus writing the output bytes with a plain
 * FileChannel and flushing them to the device as the merge's shard writer does.
 *
 * <pre>scripts/bench [--layers N] [--hidden N] [--intermediate N] [--vocab N] [--methods a,b] [--device D]
 *              [--threads N] [--repeat N] [--dir DIR] [--csv FILE]
 * scripts/bench --kernels [--device D] [--elements N] [--repeat N]     (the device engine's kernels, {@link KernelBench})</pre>
 */
public final class Bench {
    private static final String DEFAULT_METHODS = "linear,slerp,ties,dare_ties,della";

    private record Result(String method, double seconds, long read, long written, double roofSeconds) {
        double gbPerSecond() {
            return (read + written) / seconds / 1e9;
        }

        double efficiency() {
            return roofSeconds / seconds;
        }
    }

    private Bench() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length > 0 && args[0].equals("--kernels")) {
            kernels(args);
            return;
        }
        Options o = Options.parse(args);
        PrintStream out = System.out;
        TinyLlama shape = new TinyLlama(o.layers, o.hidden, o.intermediate, o.vocab, false, DType.BF16);
        Path models = o.dir.resolve("models-" + o.layers + "x" + o.hidden + "x" + o.intermediate + "x" + o.vocab);
        ensureModels(shape, models, out);
        List<Path> inputs = List.of(models.resolve("base"), models.resolve("ft-a"), models.resolve("ft-b"));
        long modelBytes = shape.tensors().stream().mapToLong(t -> t.byteSize()).sum();

        out.printf(Locale.ROOT, "machine: %d cores, %s; JDK %s; device %s, %d threads%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"), Runtime.version(),
                o.device, o.threads);
        out.printf(Locale.ROOT, "models: base + 2 fine-tunes, %d layers, hidden %d, %.2f GB bf16 each%n", o.layers,
                o.hidden, modelBytes / 1e9);
        readAll(inputs); // warm the page cache
        List<Result> results = new ArrayList<>();
        for (String method : o.methods) {
            List<Path> read = inputsOf(method, inputs);
            // the fastest of three: the roofline is what the I/O allows at best
            double roof = Double.MAX_VALUE;
            for (int r = 0; r < 3; r++) {
                roof = Math.min(roof, roofline(read, modelBytes, o.dir));
            }
            double best = Double.MAX_VALUE;
            for (int r = 0; r < o.repeat; r++) {
                best = Math.min(best, merge(method, inputs, o));
            }
            Result result = new Result(method, best, modelBytes * read.size(), modelBytes, roof);
            results.add(result);
            out.printf(Locale.ROOT, "%-10s %7.2f s  %6.2f GB/s  roofline %6.2f s  efficiency %.2f%n", method,
                    best, result.gbPerSecond(), roof, result.efficiency());
        }
        if (o.csv != null) {
            writeCsv(o.csv, results);
            out.println("wrote " + o.csv);
        }
    }

    /** {@code --kernels [--device D] [--elements N] [--repeat N]}: {@link KernelBench}. */
    private static void kernels(String[] args) {
        String device = "cuda";
        long elements = 1L << 26;
        int repeat = 3;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--device" -> device = args[i + 1];
                case "--elements" -> elements = Long.parseLong(args[i + 1]);
                case "--repeat" -> repeat = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        KernelBench.run(device, elements, repeat, System.out);
    }

    private static void ensureModels(TinyLlama shape, Path models, PrintStream out) throws IOException {
        Path marker = models.resolve(".complete");
        if (Files.exists(marker)) {
            return;
        }
        out.println("generating bench models in " + models + " (once)...");
        delete(models);
        shape.write(models.resolve("base"), 1, TinyLlama.Delta.NONE, 2_000_000_000L);
        shape.write(models.resolve("ft-a"), 1, (t, i, b) -> ((i * 0x9E3779B97F4A7C15L) >>> 61) * 0.002f - 0.007f,
                2_000_000_000L);
        shape.write(models.resolve("ft-b"), 1, (t, i, b) -> (((i + 7) * 0xC2B2AE3D27D4EB4FL) >>> 61) * -0.002f
                + 0.006f, 2_000_000_000L);
        Files.writeString(marker, "complete\n");
    }

    /** One merge through the CLI, timed end to end (planning, merging, writing, flushing). */
    private static double merge(String method, List<Path> inputs, Options o) throws IOException {
        Path config = o.dir.resolve("bench-" + method + ".yml");
        Files.writeString(config, config(method, inputs));
        Path outDir = o.dir.resolve("out-" + method);
        delete(outDir);
        long start = System.nanoTime();
        int status = Main.run(new String[] {"merge", config.toString(), outDir.toString(), "--quiet", "--device",
            o.device, "--threads", Integer.toString(o.threads)}, System.out, System.err);
        double seconds = (System.nanoTime() - start) / 1e9;
        delete(outDir);
        if (status != 0) {
            throw new IllegalStateException(method + " failed with status " + status);
        }
        return seconds;
    }

    /** The models a method reads: linear averages the two fine-tunes, slerp blends the base with one. */
    private static List<Path> inputsOf(String method, List<Path> m) {
        return switch (method) {
            case "linear" -> List.of(m.get(1), m.get(2));
            case "slerp" -> List.of(m.get(0), m.get(1));
            default -> m;
        };
    }

    private static String config(String method, List<Path> m) {
        return switch (method) {
            case "linear" -> """
                    merge_method: linear
                    models:
                      - {model: %2$s, parameters: {weight: 0.6}}
                      - {model: %3$s, parameters: {weight: 0.4}}
                    """.formatted(m.get(0), m.get(1), m.get(2));
            case "slerp" -> """
                    merge_method: slerp
                    base_model: %2$s
                    models: [{model: %2$s}, {model: %3$s}]
                    parameters: {t: 0.4}
                    """.formatted(m.get(0), m.get(1), m.get(2));
            default -> """
                    merge_method: %s
                    base_model: %s
                    models:
                      - {model: %s, parameters: {weight: 0.5, density: 0.5}}
                      - {model: %s, parameters: {weight: 0.5, density: 0.5}}
                    """.formatted(method, m.get(0), m.get(1), m.get(2));
        };
    }

    /** Seconds to read the input models from the page cache plus write and flush {@code written} bytes. */
    private static double roofline(List<Path> inputs, long written, Path dir) throws IOException {
        long start = System.nanoTime();
        readAll(inputs);
        double readSeconds = (System.nanoTime() - start) / 1e9;
        Path target = dir.resolve("roofline.tmp");
        ByteBuffer block = ByteBuffer.allocateDirect(64 << 20);
        start = System.nanoTime();
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long done = 0; done < written; ) {
                block.clear().limit((int) Math.min(block.capacity(), written - done));
                done += ch.write(block);
            }
            ch.force(true);
        }
        double writeSeconds = (System.nanoTime() - start) / 1e9;
        Files.delete(target);
        return readSeconds + writeSeconds;
    }

    private static void readAll(List<Path> paths) throws IOException {
        ByteBuffer block = ByteBuffer.allocateDirect(64 << 20);
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    readAll(s.filter(f -> f.toString().endsWith(".safetensors")).toList());
                }
                continue;
            }
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                while (ch.read(block.clear()) > 0) {
                    // the bytes themselves are not needed: reading is what is measured
                }
            }
        }
    }

    private static void writeCsv(Path csv, List<Result> results) throws IOException {
        StringBuilder s = new StringBuilder("method,seconds,read_bytes,written_bytes,gb_per_s,roofline_s,efficiency\n");
        for (Result r : results) {
            s.append(String.format(Locale.ROOT, "%s,%.4f,%d,%d,%.3f,%.4f,%.3f%n", r.method(), r.seconds(), r.read(),
                    r.written(), r.gbPerSecond(), r.roofSeconds(), r.efficiency()));
        }
        Files.writeString(csv, s);
    }

    private static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Command-line options; defaults give about 1.08 GB per model (the "1 GiB bf16"). */
    private static final class Options {
        int layers = 8;
        int hidden = 2048;
        int intermediate = 5632;
        int vocab = 32000;
        List<String> methods = List.of(DEFAULT_METHODS.split(","));
        String device = "cpu";
        int threads = Runtime.getRuntime().availableProcessors();
        int repeat = 1;
        Path dir = Path.of("target", "bench");
        Path csv;

        static Options parse(String[] args) throws IOException {
            Options o = new Options();
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + args[i]);
                }
                String v = args[i + 1];
                switch (args[i]) {
                    case "--layers" -> o.layers = Integer.parseInt(v);
                    case "--hidden" -> o.hidden = Integer.parseInt(v);
                    case "--intermediate" -> o.intermediate = Integer.parseInt(v);
                    case "--vocab" -> o.vocab = Integer.parseInt(v);
                    case "--methods" -> o.methods = List.of(v.split(","));
                    case "--device" -> o.device = v;
                    case "--threads" -> o.threads = Integer.parseInt(v);
                    case "--repeat" -> o.repeat = Integer.parseInt(v);
                    case "--dir" -> o.dir = Path.of(v);
                    case "--csv" -> o.csv = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            Files.createDirectories(o.dir);
            return o;
        }
    }
}
