package dev.crucible.cli;

import dev.crucible.method.MergeMethod;
import dev.crucible.method.MethodInfo;
import dev.crucible.method.MethodRegistry;
import dev.crucible.method.ParamSpec;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.PrintStream;
import java.util.stream.Collectors;

/**
 * {@code crucible methods [--markdown]}: the registered methods with their parameters and defaults. The README's
 * methods table is this command's Markdown output.
 */
final class MethodsCommand implements Command {
    @Override
    public String name() {
        return "methods";
    }

    @Override
    public String usage() {
        return "[--markdown]";
    }

    @Override
    public String summary() {
        return "list the merge methods, their parameters and defaults";
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("markdown").desc("print a Markdown table").build());
        return o;
    }

    @Override
    public int run(CommandLine line, PrintStream out) {
        Arguments.positional(line, 0, 0);
        if (line.hasOption("markdown")) {
            out.println("| method | base model | per-model parameters | global parameters | what it does |");
            out.println("|---|---|---|---|---|");
            for (MergeMethod m : MethodRegistry.all()) {
                MethodInfo i = m.info();
                String name = i.referenceUrl() == null ? "`" + i.name() + "`"
                        : "[`" + i.name() + "`](" + i.referenceUrl() + ")";
                out.printf("| %s | %s | %s | %s | %s |%n", name, base(i), params(i, true), params(i, false),
                        i.summary().replace("|", "\\|"));
            }
            return 0;
        }
        for (MergeMethod m : MethodRegistry.all()) {
            MethodInfo i = m.info();
            out.printf("%s (%s): %s%n", i.name(), i.prettyName(), i.summary());
            out.println("  base model: " + base(i));
            int width = i.parameters().stream().mapToInt(p -> p.name().length()).max().orElse(0);
            for (ParamSpec p : i.parameters()) {
                out.printf("  %-" + width + "s  %-9s  default %-8s  %s%n", p.name(), p.perModel() ? "per-model"
                        : "global", p.defaultText(), p.help());
            }
        }
        return 0;
    }

    private static String base(MethodInfo i) {
        return switch (i.baseUse()) {
            case REQUIRED -> "required";
            case OPTIONAL -> "optional (works on task vectors when given)";
            case ORDINARY -> "optional (an ordinary input)";
        };
    }

    private static String params(MethodInfo i, boolean perModel) {
        String s = i.parameters().stream().filter(p -> p.perModel() == perModel)
                .map(p -> "`" + p.name() + "` = " + p.defaultText()).collect(Collectors.joining(", "));
        return s.isEmpty() ? "—" : s;
    }
}
