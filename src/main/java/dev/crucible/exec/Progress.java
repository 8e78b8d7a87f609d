package dev.crucible.exec;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a merge on stderr: tensors, bytes, GB/s and ETA. On a terminal one bar is redrawn in place a few times a
 * second; otherwise (a log, a pipe, CI) a plain line is printed every few seconds; quiet prints nothing. Bytes count
 * what is read plus what is written, the quantity the I/O roofline is stated in. Thread-safe: the tensors are
 * finished by the writer thread while the caller waits.
 */
public final class Progress {
    /** How progress is shown. */
    public enum Style { BAR, LINES, SILENT }

    private static final long BAR_INTERVAL_NANOS = 200_000_000L;
    private static final long LINE_INTERVAL_NANOS = 5_000_000_000L;
    private static final int BAR_CELLS = 24;

    private final PrintStream out;
    private final Style style;
    private final int totalTensors;
    private final long totalBytes;
    private final long start = System.nanoTime();
    private long lastPrint = start - LINE_INTERVAL_NANOS; // the first tensor shows at once
    private int tensors;
    private long bytes;
    private boolean barShown;
    private int barLength;

    private Progress(PrintStream out, Style style, int totalTensors, long totalBytes) {
        this.out = out;
        this.style = style;
        this.totalTensors = totalTensors;
        this.totalBytes = totalBytes;
    }

    public static Progress of(Style style, PrintStream out, int totalTensors, long totalBytes) {
        return new Progress(out, style, totalTensors, totalBytes);
    }

    public static Progress silent(int totalTensors, long totalBytes) {
        return new Progress(null, Style.SILENT, totalTensors, totalBytes);
    }

    /** A bar when both the console and stderr's likely destination are a terminal, lines otherwise. */
    public static Style styleFor(boolean quiet) {
        if (quiet) {
            return Style.SILENT;
        }
        var console = System.console();
        return console != null && console.isTerminal() ? Style.BAR : Style.LINES;
    }

    /** Records one finished tensor that moved {@code movedBytes} (read + written). */
    public synchronized void tensorDone(long movedBytes) {
        tensors++;
        bytes += movedBytes;
        long now = System.nanoTime();
        boolean last = tensors == totalTensors;
        switch (style) {
            case BAR -> {
                if (now - lastPrint >= BAR_INTERVAL_NANOS || last) {
                    lastPrint = now;
                    String bar = bar(now);
                    // spaces over the end of a longer previous bar
                    out.print("\r" + bar + " ".repeat(Math.max(0, barLength - bar.length()))
                            + (last ? System.lineSeparator() : ""));
                    barLength = bar.length();
                    out.flush();
                    barShown = !last;
                }
            }
            case LINES -> {
                if (now - lastPrint >= LINE_INTERVAL_NANOS || last) {
                    lastPrint = now;
                    out.println("merging: " + figures(now));
                }
            }
            case SILENT -> {
            }
        }
    }

    /** Ends a bar left unfinished (an error stopped the merge), so the next message starts on a line of its own. */
    public synchronized void close() {
        if (barShown) {
            out.println();
            barShown = false;
        }
    }

    public double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    /** Achieved (read + written) bytes per second so far. */
    public double bytesPerSecond() {
        double s = seconds();
        return s > 0 ? bytes / s : 0;
    }

    private String bar(long now) {
        double done = totalBytes > 0 ? Math.min(1, (double) bytes / totalBytes) : 1;
        int full = (int) (done * BAR_CELLS);
        String cells = "#".repeat(full) + (full < BAR_CELLS ? ">" + " ".repeat(BAR_CELLS - full - 1) : "");
        return String.format(Locale.ROOT, "merging [%s] %3.0f%% %s", cells, 100 * done, figures(now));
    }

    private String figures(long now) {
        double s = (now - start) / 1e9;
        double rate = s > 0 ? bytes / s : 0;
        String eta = rate > 0 && bytes < totalBytes ? String.format(Locale.ROOT, ", ETA %.0fs",
                (totalBytes - bytes) / rate) : "";
        return String.format(Locale.ROOT, "%d/%d tensors, %s/%s, %s/s%s", tensors, totalTensors,
                Sizes.human(bytes), Sizes.human(totalBytes), Sizes.human((long) rate), eta);
    }
}
