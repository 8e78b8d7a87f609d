package dev.crucible.cli;

import dev.crucible.exec.Sizes;
import dev.crucible.roofline.MergeLinks;
import dev.crucible.roofline.ReadLink;
import dev.crucible.roofline.Roofline;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The line {@code crucible merge --roofline} adds to its summary: the merge's time against the roofline of the links
 * measured before it, e.g. {@code roofline: 3.21 s (write-bound: read 2.04 GB/s, 83.0% from the page cache at 9.10
 * GB/s and 17.0% from disk at 1.10 GB/s; write 1.30 GB/s), efficiency 0.74}.
 */
final class RooflineLine {
    private RooflineLine() {
    }

    /** For a merge that read {@code read} and wrote {@code written} bytes in {@code wallSeconds}. */
    static String of(MergeLinks measured, long read, long written, double wallSeconds) {
        Roofline roof = Roofline.of(read, written, measured.links());
        Roofline.Links l = measured.links();
        List<String> links = new ArrayList<>();
        links.add("read " + reading(l.read()));
        links.add("write " + rate(l.writeBps()));
        if (l.device()) {
            links.add("h2d " + rate(l.h2dBps()));
            links.add("d2h " + rate(l.d2hBps()));
        }
        if (measured.leftOut() != null) {
            links.add("device links left out: " + measured.leftOut());
        }
        return "roofline: " + figure(roof.seconds()) + " s (" + roof.bound() + "-bound: " + String.join("; ", links)
                + "), efficiency " + figure(roof.efficiency(wallSeconds));
    }

    private static String reading(ReadLink read) {
        return switch (read.name()) {
            case "cache" -> rate(read.bytesPerSecond()) + " from the page cache";
            case "disk" -> rate(read.bytesPerSecond()) + " from disk";
            default -> String.format(Locale.ROOT, "%s, %.1f%% from the page cache at %s and %.1f%% from disk at %s",
                    rate(read.bytesPerSecond()), 100 * read.cachedFraction(), rate(read.cacheBps()),
                    100 * (1 - read.cachedFraction()), rate(read.diskBps()));
        };
    }

    /** A link with nothing to move was not measured. */
    private static String rate(double bytesPerSecond) {
        return Double.isNaN(bytesPerSecond) ? "not measured (nothing to move)"
                : Sizes.human(Math.round(bytesPerSecond)) + "/s";
    }

    /** Two decimals, or two significant digits below 0.01, where a tiny merge's figures would all read 0.00. */
    static String figure(double value) {
        return !(value < 0.01) ? String.format(Locale.ROOT, "%.2f", value)
                : new BigDecimal(value).round(new MathContext(2)).toPlainString();
    }
}
