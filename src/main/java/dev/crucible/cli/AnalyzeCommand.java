package dev.crucible.cli;

import dev.crucible.Warnings;
import dev.crucible.analyze.Analysis;
import dev.crucible.analyze.AnalysisJson;
import dev.crucible.analyze.AnalysisText;
import dev.crucible.analyze.Analyzer;
import dev.crucible.analyze.HtmlReport;
import dev.crucible.backend.Backend;
import dev.crucible.backend.Backends;
import dev.crucible.config.ConfigLoader;
import dev.crucible.config.MergeConfig;
import dev.crucible.io.AtomicFile;
import dev.crucible.io.Checkpoint;
import dev.crucible.plan.MergePlan;
import dev.crucible.plan.Planner;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * {@code crucible analyze CONFIG}: before a merge, how the models' task vectors relate (norms, cosines, sign
 * conflicts) and which method suits them; with {@code --merged OUT}, also what the merge kept of each source.
 * Streams like {@code merge}; prints a summary and optionally writes the figures as JSON and an HTML report.
 */
final class AnalyzeCommand implements Command {
    @Override
    public String name() {
        return "analyze";
    }

    @Override
    public String usage() {
        return "CONFIG [options]";
    }

    @Override
    public String summary() {
        return "measure the models' task vectors and recommend a merge method";
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("merged").hasArg().argName("OUT")
                .desc("the merge's output directory: also measure what it kept of each source").build());
        o.addOption(Option.builder().longOpt("json").hasArg().argName("FILE").desc("write the figures as JSON")
                .build());
        o.addOption(Option.builder().longOpt("report").hasArg().argName("FILE.html")
                .desc("write a self-contained HTML report").build());
        o.addOption(Option.builder().longOpt("device").hasArg().argName("DEV")
                .desc("engine: " + String.join(", ", Backends.DEVICES) + " (default auto)").build());
        o.addOption(Option.builder().longOpt("allow-crimes").desc("allow models of different architectures").build());
        o.addOption(MemorySize.deviceOption());
        o.addOption(Option.builder("j").longOpt("threads").hasArg().argName("N")
                .desc("CPU worker threads (default: all cores)").build());
        return o;
    }

    @Override
    public int run(CommandLine line, PrintStream out) {
        Path configPath = Arguments.path(Arguments.positional(line, 1, 1).getFirst());
        Path merged = line.hasOption("merged") ? Arguments.path(line.getOptionValue("merged")) : null;
        Path json = line.hasOption("json") ? Arguments.path(line.getOptionValue("json")) : null;
        Path report = line.hasOption("report") ? Arguments.path(line.getOptionValue("report")) : null;
        int threads = Arguments.positiveInt(line, "threads", Runtime.getRuntime().availableProcessors());
        MergeConfig config = ConfigLoader.load(configPath);
        Analysis analysis;
        try (MergePlan plan = Planner.plan(config, new Planner.Options(line.hasOption("allow-crimes")),
                new Warnings());
             Backend backend = Backends.open(line.getOptionValue("device", "auto"), threads,
                     MemorySize.deviceBudget(line));
             Checkpoint output = merged == null ? null : Checkpoint.open(merged)) {
            analysis = Analyzer.analyze(plan, backend, output);
        }
        if (json != null) {
            AtomicFile.write(json, AnalysisJson.write(analysis));
        }
        if (report != null) {
            AtomicFile.write(report, HtmlReport.render(analysis).getBytes(StandardCharsets.UTF_8));
        }
        if (!line.hasOption("quiet")) {
            AnalysisText.print(analysis, out);
        }
        return 0;
    }
}
