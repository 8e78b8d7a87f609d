package dev.crucible.bench;

import dev.crucible.backend.DeviceCatalog;
import dev.crucible.backend.Engines;
import dev.crucible.demo.TinyLlama;
import dev.crucible.io.DType;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The command line of the merge benchmark ({@link Bench}): a size preset with optional shape overrides, the methods,
 * the engines, and where models, scratch output and the CSV go.
 *
 * @param size    the preset's name, or {@code custom} when a shape option overrides it
 * @param shape   the bench models' shape (always bf16, untied head)
 * @param methods merge methods, each one of {@link MergeRun#METHODS}
 * @param devices engines: {@code cpu}, {@code cpu-reference}, {@code cuda[:N]}, {@code opencl[:N]}
 * @param streams the merges' {@code --streams} on accelerators, one table each
 * @param threads CPU worker threads ({@code --threads} of {@code crucible merge})
 * @param repeat  timed merges per (device, method)
 * @param cold    evict the inputs from the page cache before every merge and bound reads by the disk
 * @param csv     where the CSV goes, or null
 */
record BenchOptions(String size, TinyLlama shape, List<String> methods, List<String> devices, List<Integer> streams,
                    int threads, int repeat, boolean cold, Path dir, Path csv) {

    /** Model shapes by name: {@code tiny} a few MB per model (tests), {@code 1g} ≈ 1.08 GB, {@code 7b} ≈ 13.5 GB. */
    enum Size {
        TINY("tiny", 2, 256, 688, 1024), ONE_G("1g", 8, 2048, 5632, 32000), SEVEN_B("7b", 32, 4096, 11008, 32000);

        final String label;
        final int layers;
        final int hidden;
        final int intermediate;
        final int vocab;

        Size(String label, int layers, int hidden, int intermediate, int vocab) {
            this.label = label;
            this.layers = layers;
            this.hidden = hidden;
            this.intermediate = intermediate;
            this.vocab = vocab;
        }

        static Size of(String label) {
            return Arrays.stream(values()).filter(s -> s.label.equals(label)).findFirst()
                    .orElseThrow(() -> new UsageException("--size " + label + ": use tiny, 1g or 7b"));
        }
    }

    /** A bad command line: printed as one line followed by {@link #USAGE}. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    static final String USAGE = """
            usage: scripts/bench [--size tiny|1g|7b] [--layers N] [--hidden N] [--intermediate N] [--vocab N]
                                 [--methods a,b,...] [--devices cpu,opencl,cuda] [--streams N,...] [--threads N]
                                 [--repeat N] [--cold] [--dir DIR] [--csv FILE]
                   scripts/bench --kernels [--device D] [--elements N] [--repeat N]""";

    static BenchOptions parse(String... args) {
        Size preset = Size.ONE_G;
        Integer layers = null;
        Integer hidden = null;
        Integer intermediate = null;
        Integer vocab = null;
        List<String> methods = MergeRun.METHODS;
        List<String> devices = List.of("cpu");
        List<Integer> streams = List.of(Engines.DEFAULT_STREAMS);
        int threads = Runtime.getRuntime().availableProcessors();
        int repeat = 1;
        boolean cold = false;
        Path dir = Path.of("target", "bench");
        Path csv = null;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--cold")) {
                cold = true;
                continue;
            }
            if (++i >= args.length) {
                throw new UsageException("missing value after " + option);
            }
            String v = args[i];
            switch (option) {
                case "--size" -> preset = Size.of(v);
                case "--layers" -> layers = positive(option, v);
                case "--hidden" -> hidden = positive(option, v);
                case "--intermediate" -> intermediate = positive(option, v);
                case "--vocab" -> vocab = positive(option, v);
                case "--methods" -> methods = list(option, v, MergeRun.METHODS::contains,
                        "one of " + String.join(", ", MergeRun.METHODS));
                case "--devices", "--device" -> devices = list(option, v, BenchOptions::engine,
                        "cpu, cpu-reference, cuda, cuda:N, opencl or opencl:N");
                case "--streams" -> streams = list(option, v, s -> s.matches("[1-9]") && Integer.parseInt(s)
                        <= Engines.MAX_STREAMS, "a stream count from 1 to " + Engines.MAX_STREAMS).stream()
                        .map(Integer::valueOf).toList();
                case "--threads" -> threads = positive(option, v);
                case "--repeat" -> repeat = positive(option, v);
                case "--dir" -> dir = Path.of(v);
                case "--csv" -> csv = Path.of(v);
                default -> throw new UsageException("unknown option " + option);
            }
        }
        TinyLlama shape = new TinyLlama(layers != null ? layers : preset.layers, hidden != null ? hidden : preset.hidden,
                intermediate != null ? intermediate : preset.intermediate, vocab != null ? vocab : preset.vocab, false,
                DType.BF16);
        boolean overridden = layers != null || hidden != null || intermediate != null || vocab != null;
        return new BenchOptions(overridden ? "custom" : preset.label, shape, methods, devices, streams, threads, repeat,
                cold, dir, csv);
    }

    /** {@code layers x hidden x intermediate x vocab}, the name of the models' cache directory and a CSV column. */
    String shapeText() {
        return String.format(Locale.ROOT, "%dx%dx%dx%d", shape.layers(), shape.hidden(), shape.intermediate(),
                shape.vocab());
    }

    private static boolean engine(String device) {
        return device.equals("cpu") || device.equals("cpu-reference") || DeviceCatalog.names(device);
    }

    private static List<String> list(String option, String value, Predicate<String> valid,
                                     String expected) {
        List<String> items = List.of(value.split(","));
        for (String item : items) {
            if (!valid.test(item)) {
                throw new UsageException(option + ": '" + item + "' is not " + expected);
            }
        }
        if (items.size() != items.stream().distinct().count()) {
            throw new UsageException(option + ": '" + value + "' names an item twice");
        }
        return items;
    }

    private static int positive(String option, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(option + " " + value + ": expected a positive integer");
    }
}
