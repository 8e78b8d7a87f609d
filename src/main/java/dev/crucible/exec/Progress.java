package dev.crucible.exec;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a merge on stderr: one line at most every second (tensors, bytes, GB/s, ETA), and nothing when quiet.
 * Bytes count what is read plus what is written, the quantity the I/O roofline is stated in.
 */
public final class Progress {
    private static final long INTERVAL_NANOS = 1_000_000_000L;

    private final PrintStream out;
    private final int totalTensors;
    private final long totalBytes;
    private final long start = System.nanoTime();
    private long lastPrint = start;
    private int tensors;
    private long bytes;

    private Progress(PrintStream out, int totalTensors, long totalBytes) {
        this.out = out;
        this.totalTensors = totalTensors;
        this.totalBytes = totalBytes;
    }

    public static Progress to(PrintStream out, int totalTensors, long totalBytes) {
        return new Progress(out, totalTensors, totalBytes);
    }

    public static Progress silent(int totalTensors, long totalBytes) {
        return new Progress(null, totalTensors, totalBytes);
    }

    /** Records one finished tensor that moved {@code movedBytes} (read + written). */
    public synchronized void tensorDone(long movedBytes) {
        tensors++;
        bytes += movedBytes;
        long now = System.nanoTime();
        if (out != null && (now - lastPrint >= INTERVAL_NANOS || tensors == totalTensors)) {
            lastPrint = now;
            out.println(line(now));
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

    private String line(long now) {
        double s = (now - start) / 1e9;
        double rate = s > 0 ? bytes / s : 0;
        String eta = rate > 0 && bytes < totalBytes ? String.format(Locale.ROOT, ", ETA %.0fs",
                (totalBytes - bytes) / rate) : "";
        return String.format(Locale.ROOT, "merging: %d/%d tensors, %s/%s, %s/s%s", tensors, totalTensors,
                Sizes.human(bytes), Sizes.human(totalBytes), Sizes.human((long) rate), eta);
    }
}
