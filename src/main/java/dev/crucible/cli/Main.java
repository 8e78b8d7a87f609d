package dev.crucible.cli;

import dev.crucible.CrucibleException;
import dev.crucible.Version;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;

/**
 * {@code crucible COMMAND ...}: dispatches to a subcommand. A user error (bad file, config, option) prints one line
 * and exits 1; a bug prints one line too, with the stack trace only under {@code --debug}.
 */
public final class Main {
    static final int USAGE = 2;
    static final int FAILED = 1;

    private static final List<Command> COMMANDS = List.of(new MergeCommand(), new PlanCommand(),
            new AnalyzeCommand(), new InspectCommand(), new VerifyCommand(), new MethodsCommand(),
            new DevicesCommand(), new DemoCommand());

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command line; the streams are parameters so tests can run the CLI in-process. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            printCommands(args.length == 0 ? err : out);
            return args.length == 0 ? USAGE : 0;
        }
        if (args[0].equals("--version")) {
            out.println("crucible " + Version.get());
            return 0;
        }
        Command command = COMMANDS.stream().filter(c -> c.name().equals(args[0])).findFirst().orElse(null);
        if (command == null) {
            err.println("crucible: unknown command '" + args[0] + "'");
            printCommands(err);
            return USAGE;
        }
        Options options = withGlobalOptions(command.options());
        CommandLine line;
        try {
            line = new DefaultParser().parse(options, Arrays.copyOfRange(args, 1, args.length));
        } catch (ParseException e) {
            err.println("crucible " + command.name() + ": " + e.getMessage());
            err.println("usage: crucible " + command.name() + " " + command.usage());
            return USAGE;
        }
        if (line.hasOption("help")) {
            printHelp(command, options, out);
            return 0;
        }
        boolean debug = line.hasOption("debug");
        Logging.configure(debug ? 2 : verbosity(line));
        try {
            return command.run(line, out);
        } catch (UsageException e) {
            err.println("crucible " + command.name() + ": " + e.getMessage());
            err.println("usage: crucible " + command.name() + " " + command.usage());
            return USAGE;
        } catch (CrucibleException e) {
            err.println("error: " + e.getMessage());
            if (debug) {
                e.printStackTrace(err);
            }
            return FAILED;
        } catch (OutOfMemoryError e) {
            err.println("error: out of memory; give the JVM more with CRUCIBLE_JAVA_OPTS=-Xmx...");
            return FAILED;
        } catch (RuntimeException e) {
            err.println("internal error: " + e + (debug ? "" : " (a bug in Crucible; rerun with --debug for the"
                    + " stack trace and please report it)"));
            if (debug) {
                e.printStackTrace(err);
            }
            return FAILED;
        }
    }

    private static int verbosity(CommandLine line) {
        return (int) Arrays.stream(line.getOptions()).filter(o -> "v".equals(o.getOpt())).count();
    }

    private static Options withGlobalOptions(Options own) {
        Options o = new Options();
        own.getOptions().forEach(o::addOption);
        o.addOption(Option.builder("v").desc("more output (repeat for debug logging)").build());
        o.addOption(Option.builder().longOpt("quiet").desc("no progress output").build());
        o.addOption(Option.builder().longOpt("debug").desc("show stack traces and debug logging").build());
        o.addOption(Option.builder("h").longOpt("help").desc("show this help").build());
        return o;
    }

    private static void printHelp(Command command, Options options, PrintStream out) {
        PrintWriter w = new PrintWriter(out);
        new HelpFormatter().printHelp(w, 100, "crucible " + command.name() + " " + command.usage(),
                command.summary(), options, 2, 2, null);
        w.flush();
    }

    private static void printCommands(PrintStream out) {
        out.println("usage: crucible COMMAND [options]   (crucible COMMAND --help for its options)");
        out.println();
        for (Command c : COMMANDS) {
            out.printf("  %-8s %s%n", c.name(), c.summary());
        }
    }
}
