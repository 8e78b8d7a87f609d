package dev.crucible.cli;

import dev.crucible.Warnings;
import dev.crucible.backend.Backends;
import dev.crucible.backend.Engines;
import dev.crucible.config.ConfigLoader;
import dev.crucible.config.MergeConfig;
import dev.crucible.exec.Executor;
import dev.crucible.exec.InputWatch;
import dev.crucible.exec.Progress;
import dev.crucible.exec.Sizes;
import dev.crucible.io.FileStamp;
import dev.crucible.io.ShardPlan;
import dev.crucible.output.MergeIdentity;
import dev.crucible.output.MergeJournal;
import dev.crucible.output.OutputDirectory;
import dev.crucible.plan.MergePlan;
import dev.crucible.plan.Planner;
import dev.crucible.plan.TensorJob;
import dev.crucible.roofline.MergeLinks;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code crucible merge CONFIG OUT}: the counterpart of {@code mergekit-yaml}, with the same option names where
 * mergekit has them.
 */
final class MergeCommand implements Command {
    static final String DEFAULT_SHARD_SIZE = "5B";

    @Override
    public String name() {
        return "merge";
    }

    @Override
    public String usage() {
        return "CONFIG OUT [options]";
    }

    @Override
    public String summary() {
        return "merge the models of a mergekit YAML config into a new checkpoint in OUT";
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("device").hasArg().argName("DEV")
                .desc("engine: " + String.join(", ", Backends.DEVICES) + " (default auto)").build());
        o.addOption(Option.builder().longOpt("cuda").desc("same as --device cuda (mergekit's flag)").build());
        o.addOption(Option.builder().longOpt("devices").hasArg().argName("LIST")
                .desc("several engines, one merging pipeline each, sharing the writer: e.g. 0,1 (CUDA devices)"
                        + " or cuda:0,opencl:1").build());
        o.addOption(Option.builder().longOpt("streams").hasArg().argName("N")
                .desc("merging pipelines per accelerator, each with its own stream or queue, so that one's copies"
                        + " overlap another's kernels (default " + Engines.DEFAULT_STREAMS + "; the CPU engine takes 1)")
                .build());
        o.addOption(Option.builder().longOpt("out-shard-size").hasArg().argName("SIZE")
                .desc("maximum bytes per output shard, e.g. 5B, 500M (default " + DEFAULT_SHARD_SIZE + ")").build());
        o.addOption(Option.builder().longOpt("seed").hasArg().argName("N")
                .desc("seed of the random methods (default 0)").build());
        o.addOption(Option.builder().longOpt("random-seed").hasArg().argName("N")
                .desc("same as --seed (mergekit's name)").build());
        o.addOption(Option.builder().longOpt("copy-tokenizer").desc("copy the donor's tokenizer (default)").build());
        o.addOption(Option.builder().longOpt("no-copy-tokenizer").desc("do not copy tokenizer files").build());
        o.addOption(Option.builder().longOpt("allow-crimes").desc("allow models of different architectures").build());
        o.addOption(MemorySize.hostOption());
        o.addOption(MemorySize.deviceOption());
        o.addOption(Option.builder("j").longOpt("threads").hasArg().argName("N")
                .desc("CPU worker threads (default: all cores)").build());
        o.addOption(Option.builder().longOpt("resume").desc("continue the interrupted merge in OUT from its completed"
                + " shards (checked against its journal); starts a new merge if OUT holds none").build());
        o.addOption(Option.builder().longOpt("strict").desc("NaN or Inf in any input or output tensor is an error"
                + " (default: a warning for output tensors)").build());
        o.addOption(Option.builder().longOpt("roofline").desc("end the summary with the merge's time against the I/O"
                + " roofline (efficiency); costs a few seconds before the merge to measure the links: reading samples"
                + " of the inputs, writing and deleting up to 256 MiB in OUT, copies to and from each GPU").build());
        return o;
    }

    @Override
    public int run(CommandLine line, PrintStream out) {
        List<String> args = Arguments.positional(line, 2, 2);
        Path configPath = Arguments.path(args.get(0));
        Path outDir = Arguments.path(args.get(1));
        if (line.hasOption("copy-tokenizer") && line.hasOption("no-copy-tokenizer")) {
            throw new UsageException("--copy-tokenizer and --no-copy-tokenizer contradict each other");
        }
        if (line.hasOption("roofline") && line.hasOption("quiet")) {
            throw new UsageException("--roofline adds a line to the summary, which --quiet leaves out; drop one of"
                    + " them");
        }
        if (line.hasOption("devices") && (line.hasOption("device") || line.hasOption("cuda"))) {
            throw new UsageException("--devices names the engines itself; leave out --device and --cuda");
        }
        List<String> devices = line.hasOption("devices") ? List.of(line.getOptionValue("devices").split(","))
                : List.of(line.hasOption("cuda") ? "cuda" : line.getOptionValue("device", "auto"));
        long shardSize = ShardSize.parse(line.getOptionValue("out-shard-size", DEFAULT_SHARD_SIZE));
        long seed = Arguments.nonNegativeLong(line, line.hasOption("random-seed") ? "random-seed" : "seed", 0);
        int threads = Arguments.positiveInt(line, "threads", Runtime.getRuntime().availableProcessors());
        int streams = Arguments.positiveInt(line, "streams", Engines.DEFAULT_STREAMS);
        if (streams > Engines.MAX_STREAMS) {
            throw new UsageException("--streams " + streams + ": at most " + Engines.MAX_STREAMS
                    + " (beyond two or three, more streams only hold more memory)");
        }
        boolean quiet = line.hasOption("quiet");
        long deviceBudget = MemorySize.deviceBudget(line);

        boolean allowCrimes = line.hasOption("allow-crimes");
        boolean resume = line.hasOption("resume");
        boolean roofline = line.hasOption("roofline");

        MergeConfig config = ConfigLoader.load(configPath);
        Warnings warnings = new Warnings();
        try (MergePlan plan = Planner.plan(config, new Planner.Options(allowCrimes), warnings);
             Engines engines = Engines.open(devices, threads, deviceBudget, streams)) {
            ShardPlan shards = ShardPlan.plan(plan.jobs().stream().map(TensorJob::spec).toList(), shardSize,
                    Map.of());
            List<FileStamp> inputs = InputWatch.of(plan).stamps();
            MergeIdentity identity = MergeIdentity.of(plan, inputs, seed, allowCrimes, shardSize, shards);
            try (OutputDirectory target = OutputDirectory.prepare(outDir, plan,
                    new OutputDirectory.Options(!line.hasOption("no-copy-tokenizer"), seed, resume), warnings)) {
                MergeJournal journal = target.begin(identity, shards);
                Executor.Work work = Executor.remaining(plan, shards, journal);
                if (!quiet) {
                    out.printf("crucible: %s merge of %d models, %d tensors, on %s, seed %s%n",
                            plan.method().info().name(), plan.models().size(), plan.jobs().size(), engines.names(),
                            Long.toUnsignedString(seed));
                    if (resume) {
                        out.printf("resuming: %d of %d shards complete and intact, %d to write%n",
                                journal.completeCount(), shards.shards().size(),
                                shards.shards().size() - journal.completeCount());
                    }
                }
                // measured before the progress clock starts: the probes are not the merge's time
                MergeLinks links = !roofline || work.tensors() == 0 ? null
                        : MergeLinks.measure(inputs.stream().map(FileStamp::path).toList(), outDir, work.written(),
                                engines.all(), deviceBudget > 0 ? deviceBudget : Long.MAX_VALUE);
                Progress progress = Progress.of(Progress.styleFor(quiet), System.err, work.tensors(), work.bytes());
                long hostBudget = MemorySize.hostBudget(line);
                Executor executor = new Executor(plan, engines.all(), seed, warnings, progress,
                        new Executor.Options(line.hasOption("strict"), hostBudget));
                try {
                    executor.writeShards(shards, outDir, journal);
                } finally {
                    progress.close();
                }
                target.finish(shards);
                if (!quiet) {
                    double seconds = progress.seconds();
                    out.printf(Locale.ROOT, "wrote %s: %d shard(s), %s in %.2f s (%s/s read + written)%n", outDir,
                            shards.shards().size(), Sizes.human(plan.bytesWritten()), seconds,
                            Sizes.human((long) progress.bytesPerSecond()));
                    if (links != null) {
                        out.println(RooflineLine.of(links, work.read(), work.written(), seconds));
                    } else if (roofline) {
                        out.println("roofline: not measured (no tensors left to merge)");
                    }
                    out.printf("memory: output buffers %s (--max-host-memory %s), device peak %s%n",
                            Sizes.human(executor.hostBytes()), Sizes.human(hostBudget),
                            Sizes.human(engines.devicePeakBytes()));
                    warnings.tensorSummary().forEach(w -> out.println("warning: " + w));
                }
            }
        }
        return 0;
    }
}
