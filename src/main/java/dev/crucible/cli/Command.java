package dev.crucible.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

import java.io.PrintStream;

/** One {@code crucible} subcommand. */
interface Command {
    String name();

    /** Usage after the command name, e.g. {@code CONFIG OUT [options]}. */
    String usage();

    /** One line for the command list. */
    String summary();

    /** The command's own options (the global ones are added by {@link Main}). */
    Options options();

    /** Runs the command; returns the exit status. User errors are thrown as CrucibleException. */
    int run(CommandLine line, PrintStream out);
}
