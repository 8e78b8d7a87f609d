package dev.crucible.cli;

import dev.crucible.CrucibleException;
import dev.crucible.exec.HostMemory;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a memory budget ({@code --max-device-memory}): an integer with an optional binary unit, K, M, G or T, which
 * may be followed by {@code iB} or {@code B} ({@code 8G} = {@code 8GiB} = 8·2^30 bytes). Unlike
 * {@code --out-shard-size}, where mergekit's {@code 5B} means five billion, a memory size counts in powers of two.
 */
final class MemorySize {
    private static final Pattern FORM = Pattern.compile("(\\d+)\\s*([kmgt]?)(i?b)?");

    /** {@code --max-device-memory}, which merge and analyze share. */
    static final String DEVICE_OPTION = "max-device-memory";
    static final String HOST_OPTION = "max-host-memory";

    private MemorySize() {
    }

    static Option deviceOption() {
        return Option.builder().longOpt(DEVICE_OPTION).hasArg().argName("SIZE")
                .desc("device memory the GPU engine may hold, e.g. 8G (default: a quarter of it, at most 8 GiB)")
                .build();
    }

    static Option hostOption() {
        return Option.builder().longOpt(HOST_OPTION).hasArg().argName("SIZE")
                .desc("host memory for output buffers, e.g. 4G (default: half of what is available)").build();
    }

    /** The host budget given on {@code line}, or half of the memory available now. */
    static long hostBudget(CommandLine line) {
        return line.hasOption(HOST_OPTION) ? parse(HOST_OPTION, line.getOptionValue(HOST_OPTION))
                : HostMemory.available() / 2;
    }

    /** The device budget given on {@code line}, 0 for the engine's default. */
    static long deviceBudget(CommandLine line) {
        return line.hasOption(DEVICE_OPTION) ? parse(DEVICE_OPTION, line.getOptionValue(DEVICE_OPTION)) : 0;
    }

    static long parse(String option, String text) {
        Matcher m = FORM.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new CrucibleException("--" + option + " " + text + ": expected a size such as 512M or 8G");
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        try {
            long value = Long.parseLong(m.group(1));
            if (value <= 0) {
                throw new CrucibleException("--" + option + " " + text + ": must be positive");
            }
            if (value > Long.MAX_VALUE >> shift) {
                throw new NumberFormatException();
            }
            return value << shift;
        } catch (NumberFormatException e) {
            throw new CrucibleException("--" + option + " " + text + ": too large");
        }
    }
}
