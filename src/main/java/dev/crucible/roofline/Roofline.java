package dev.crucible.roofline;

/**
 * The I/O roofline of one merge (numerics-and-gpu.md §12) from its bytes read (R: distinct input tensors) and written
 * (W: output tensors) and the links measured on the same machine. Crucible's pipeline overlaps reading, copying and
 * writing, so the bound is the slowest link: {@code T_roof = max(T_read, W / B_write, R / B_h2d, W / B_d2h)}, the
 * last two for a device engine only, with {@code T_read} from the page cache, the disk or both ({@link ReadLink}).
 * The bound names that link: {@code cache}, {@code disk}, {@code read} (cache and disk), {@code write}, {@code h2d}
 * or {@code d2h}. Efficiency is {@code T_roof / T_wall}. The serialized storage time {@code T_read + W / B_write}
 * (§12's {@code T_roof_ser}, what a pipeline that never overlaps would be bound by) is kept beside it for reference.
 *
 * @param seconds       {@code T_roof}
 * @param bound         the link that sets it
 * @param serialSeconds {@code T_read + W / B_write}
 */
public record Roofline(double seconds, String bound, double serialSeconds) {
    /**
     * The bandwidths (bytes per second) one engine's merges are bounded by.
     *
     * @param h2dBps host to device, NaN for a host engine
     * @param d2hBps device to host, NaN for a host engine
     */
    public record Links(ReadLink read, double writeBps, double h2dBps, double d2hBps) {
        public boolean device() {
            return !Double.isNaN(h2dBps);
        }
    }

    public static Roofline of(long read, long written, Links links) {
        double reading = links.read().seconds(read);
        double writing = seconds(written, links.writeBps());
        double seconds = reading;
        String bound = links.read().name();
        if (writing > seconds) {
            seconds = writing;
            bound = "write";
        }
        if (links.device() && seconds(read, links.h2dBps()) > seconds) {
            seconds = seconds(read, links.h2dBps());
            bound = "h2d";
        }
        if (links.device() && seconds(written, links.d2hBps()) > seconds) {
            seconds = seconds(written, links.d2hBps());
            bound = "d2h";
        }
        return new Roofline(seconds, bound, reading + writing);
    }

    /** {@code T_roof / T_wall}: 1 is as fast as the links allow. */
    public double efficiency(double wallSeconds) {
        return seconds / wallSeconds;
    }

    /** Moving nothing costs nothing, whether or not the link was measured. */
    private static double seconds(long bytes, double bytesPerSecond) {
        return bytes == 0 ? 0 : bytes / bytesPerSecond;
    }
}
