package dev.crucible.cli;

import dev.crucible.Warnings;
import dev.crucible.backend.Engines;
import dev.crucible.config.ConfigLoader;
import dev.crucible.exec.Executor;
import dev.crucible.exec.Sizes;
import dev.crucible.plan.JobInput;
import dev.crucible.plan.MergePlan;
import dev.crucible.plan.Planner;
import dev.crucible.plan.TensorJob;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code crucible plan CONFIG}: a dry run. Prints every output tensor with its inputs, method and resolved
 * parameters, the totals, and the input tensors nothing consumes. Reads headers only.
 */
final class PlanCommand implements Command {
    @Override
    public String name() {
        return "plan";
    }

    @Override
    public String usage() {
        return "CONFIG [options]";
    }

    @Override
    public String summary() {
        return "dry run: show what a merge would read, compute and write";
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("allow-crimes").desc("allow models of different architectures").build());
        return o;
    }

    @Override
    public int run(CommandLine line, PrintStream out) {
        var config = ConfigLoader.load(Arguments.path(Arguments.positional(line, 1, 1).getFirst()));
        try (MergePlan plan = Planner.plan(config, new Planner.Options(line.hasOption("allow-crimes")),
                new Warnings())) {
            out.println("method: " + plan.method().info().name());
            for (int i = 0; i < plan.models().size(); i++) {
                out.printf("model %d: %s%s%n", i, plan.models().get(i).label(), i == plan.donor() ? "  (donor of"
                        + " config.json and tokenizer)" : "");
            }
            out.println();
            for (TensorJob job : plan.jobs()) {
                print(job, plan, out);
            }
            out.println();
            String layers = plan.layerCounts().stream().map(c -> c.layers() + " layers"
                    + (c.configKey() == null ? "" : " (" + c.configKey() + ")")).collect(Collectors.joining(", "));
            out.printf(Locale.ROOT, "output: %d tensors%s, %s%n", plan.jobs().size(), layers.isEmpty() ? ""
                    : ", " + layers, Sizes.human(plan.bytesWritten()));
            out.printf("read: %s (distinct input tensors)%n", Sizes.human(plan.bytesRead()));
            out.printf("host memory: %s of output buffers per merging pipeline (two of the largest output tensor, %s;"
                    + " an accelerator runs --streams pipelines, %d by default), besides the page cache%n",
                    Sizes.human(Executor.BUFFERS * plan.largestOutput()), Sizes.human(plan.largestOutput()),
                    Engines.DEFAULT_STREAMS);
            out.printf("unconsumed input tensors: %d%n", plan.unconsumed().size());
            plan.unconsumed().forEach(u -> out.println("  " + u));
        }
        return 0;
    }

    private static void print(TensorJob job, MergePlan plan, PrintStream out) {
        out.printf(Locale.ROOT, "%s  %s %s  %s t=%.4f%s%n", job.name(), job.dtype(), Arrays.toString(job.shape()),
                job.kind() == TensorJob.Kind.COPY ? "copy" : plan.method().info().name(), job.t(),
                params(job.global()));
        if (job.base() != null) {
            out.println("    base  " + input(job.base(), plan));
        }
        for (JobInput in : job.inputs()) {
            out.println("    <-    " + input(in, plan));
        }
    }

    private static String input(JobInput in, MergePlan plan) {
        return plan.models().get(in.model()).label() + " " + in.tensor() + params(in.params());
    }

    private static String params(Map<String, Double> values) {
        if (values.isEmpty()) {
            return "";
        }
        List<String> parts = values.entrySet().stream().map(e -> e.getKey() + "=" + format(e.getValue())).toList();
        return parts.stream().collect(Collectors.joining(" ", "  ", ""));
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
