package dev.crucible.bench;

/**
 * The I/O roofline of one merge (numerics-and-gpu.md §12) from its bytes read (R: distinct input tensors) and written
 * (W: output tensors) and the links measured in the same run. Crucible's pipeline overlaps reading, copying and
 * writing, so the bound is the slowest link: {@code T_roof = max(R / B_read, W / B_write, R / B_h2d, W / B_d2h)},
 * the last two for a device engine only, with {@code B_read} the page-cache read bandwidth, or the disk's with
 * {@code --cold}. The bound names that link: {@code cache}, {@code disk}, {@code write}, {@code h2d} or {@code d2h}.
 * Efficiency is {@code T_roof / T_wall}. The serialized storage time {@code R / B_read + W / B_write} (§12's
 * {@code T_roof_ser}, what a pipeline that never overlaps would be bound by) is kept beside it for reference.
 *
 * @param seconds       {@code T_roof}
 * @param bound         the link that sets it
 * @param serialSeconds {@code R / B_read + W / B_write}
 */
record Roofline(double seconds, String bound, double serialSeconds) {
    /**
     * The bandwidths (bytes per second) one engine's merges are bounded by.
     *
     * @param read      the read link: {@code cache} (page-cache read) or {@code disk}
     * @param h2dBps    host to device, NaN for the CPU engine
     * @param d2hBps    device to host, NaN for the CPU engine
     */
    record Links(String read, double readBps, double writeBps, double h2dBps, double d2hBps) {
        boolean device() {
            return !Double.isNaN(h2dBps);
        }
    }

    static Roofline of(long read, long written, Links links) {
        double reading = read / links.readBps();
        double writing = written / links.writeBps();
        double seconds = reading;
        String bound = links.read();
        if (writing > seconds) {
            seconds = writing;
            bound = "write";
        }
        if (links.device() && read / links.h2dBps() > seconds) {
            seconds = read / links.h2dBps();
            bound = "h2d";
        }
        if (links.device() && written / links.d2hBps() > seconds) {
            seconds = written / links.d2hBps();
            bound = "d2h";
        }
        return new Roofline(seconds, bound, reading + writing);
    }

    /** {@code T_roof / T_wall}: 1 is as fast as the links allow. */
    double efficiency(double wallSeconds) {
        return seconds / wallSeconds;
    }
}
