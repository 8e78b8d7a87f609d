package dev.crucible.cli;

import org.apache.commons.cli.CommandLine;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/** Positional arguments and typed option values, with usage errors that name what is wrong. */
final class Arguments {
    private Arguments() {
    }

    /** The positional arguments, checked to number between {@code min} and {@code max}. */
    static List<String> positional(CommandLine line, int min, int max) {
        List<String> args = line.getArgList();
        if (args.size() < min) {
            throw new UsageException("missing argument");
        }
        if (args.size() > max) {
            throw new UsageException("unexpected argument '" + args.get(max) + "'");
        }
        return args;
    }

    static Path path(String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new UsageException("'" + text + "' is not a valid path");
        }
    }

    static long nonNegativeLong(CommandLine line, String option, long fallback) {
        String v = line.getOptionValue(option);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseUnsignedLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + option + " " + v + ": expected an integer from 0 to 2^64-1");
        }
    }

    static int positiveInt(CommandLine line, String option, int fallback) {
        String v = line.getOptionValue(option);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--" + option + " " + v + ": expected a positive integer");
    }
}
