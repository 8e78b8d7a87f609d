package dev.crucible.bench;

import dev.crucible.CrucibleException;
import dev.crucible.Warnings;
import dev.crucible.cli.Main;
import dev.crucible.config.ConfigLoader;
import dev.crucible.plan.MergePlan;
import dev.crucible.plan.Planner;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One method's merge of the bench models through the real CLI path ({@code crucible merge}, in-process): its config,
 * the bytes its plan reads and writes (R and W of the roofline: distinct input tensors, output tensors), and timed
 * runs end to end (planning, merging, writing, flushing), each into a fresh output directory deleted afterwards.
 */
final class MergeRun {
    /** The methods the bench has a config for, in the order it runs them (all of them by default). */
    static final List<String> METHODS = List.of("linear", "slerp", "ties", "dare_ties", "della", "model_stock");

    private final String method;
    private final Path config;
    private final Path output;
    private final long read;
    private final long written;

    private MergeRun(String method, Path config, Path output, long read, long written) {
        this.method = method;
        this.config = config;
        this.output = output;
        this.read = read;
        this.written = written;
    }

    /** Writes {@code method}'s config into {@code dir} and plans it (headers only) for its byte counts. */
    static MergeRun prepare(String method, BenchModels models, Path dir) throws IOException {
        Path config = dir.resolve("bench-" + method + ".yml");
        Files.writeString(config, config(method, models));
        try (MergePlan plan = Planner.plan(ConfigLoader.load(config), new Planner.Options(false), new Warnings())) {
            return new MergeRun(method, config, dir.resolve("out-" + method), plan.bytesRead(), plan.bytesWritten());
        }
    }

    String method() {
        return method;
    }

    long read() {
        return read;
    }

    long written() {
        return written;
    }

    /** Seconds of one merge on {@code engine}; a failed merge is an error carrying the CLI's message. */
    double time(Engine engine, int threads) throws IOException {
        BenchModels.delete(output); // left over only by an interrupted run
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int status = Main.run(new String[] {"merge", config.toString(), output.toString(), "--quiet", "--device",
            engine.spec(), "--streams", Integer.toString(engine.streams()), "--threads", Integer.toString(threads)}, System.out,
                new PrintStream(errors, true, StandardCharsets.UTF_8));
        double seconds = (System.nanoTime() - start) / 1e9;
        BenchModels.delete(output);
        if (status != 0) {
            throw new CrucibleException(method + " on " + engine.label() + " failed: "
                    + errors.toString(StandardCharsets.UTF_8).strip());
        }
        return seconds;
    }

    /**
     * The config: linear averages the two fine-tunes, slerp blends the base with one, model_stock takes the base and
     * both, and the task-vector methods keep half of each fine-tune's delta.
     */
    private static String config(String method, BenchModels m) {
        return switch (method) {
            case "linear" -> """
                    merge_method: linear
                    models:
                      - {model: %s, parameters: {weight: 0.6}}
                      - {model: %s, parameters: {weight: 0.4}}
                    """.formatted(m.a(), m.b());
            case "slerp" -> """
                    merge_method: slerp
                    base_model: %1$s
                    models: [{model: %1$s}, {model: %2$s}]
                    parameters: {t: 0.4}
                    """.formatted(m.base(), m.a());
            case "model_stock" -> """
                    merge_method: model_stock
                    base_model: %s
                    models: [{model: %s}, {model: %s}]
                    """.formatted(m.base(), m.a(), m.b());
            case "ties", "dare_ties", "della" -> """
                    merge_method: %s
                    base_model: %s
                    models:
                      - {model: %s, parameters: {weight: 0.5, density: 0.5}}
                      - {model: %s, parameters: {weight: 0.5, density: 0.5}}
                    """.formatted(method, m.base(), m.a(), m.b());
            default -> throw new IllegalArgumentException("no bench config for " + method);
        };
    }
}
