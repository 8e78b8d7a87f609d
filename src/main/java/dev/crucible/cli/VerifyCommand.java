package dev.crucible.cli;

import dev.crucible.exec.Sizes;
import dev.crucible.output.OutputVerifier;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code crucible verify OUT}: re-reads a merge's output and checks every shard against the index and the merge
 * journal's hashes, scans every tensor for NaN and Inf, and compares tensor names and shapes with the plan of the saved
 * config. Exits 0 when everything checks out, 1 with one line per problem otherwise.
 */
final class VerifyCommand implements Command {
    @Override
    public String name() {
        return "verify";
    }

    @Override
    public String usage() {
        return "OUT";
    }

    @Override
    public String summary() {
        return "re-read a merge's output: shard hashes, index, NaN/Inf, tensors against the saved config's plan";
    }

    @Override
    public Options options() {
        return new Options();
    }

    @Override
    public int run(CommandLine line, PrintStream out) {
        Path dir = Arguments.path(Arguments.positional(line, 1, 1).getFirst());
        OutputVerifier.Report report = OutputVerifier.verify(dir);
        out.printf("verify %s: %d weight file%s, %d tensors, %s%n", dir, report.shards(),
                report.shards() == 1 ? "" : "s", report.tensors(), Sizes.human(report.bytes()));
        report.notes().forEach(n -> out.println("note: " + n));
        report.problems().forEach(p -> out.println("problem: " + p));
        if (report.ok()) {
            out.println("ok");
            return 0;
        }
        out.println(report.problems().size() + " problem" + (report.problems().size() == 1 ? "" : "s") + " found");
        return Main.FAILED;
    }
}
