package dev.crucible.bench;

/**
 * The I/O roofline of one merge (numerics-and-gpu.md §12) from its bytes read (R: distinct input tensors) and written
 * (W: output tensors) and the links measured in the same run. Storage: {@code T_io = R / B_read + W / B_write}, where
 * {@code B_read} is the page-cache read bandwidth, or the disk's with {@code --cold}: reading and writing share one
 * host and are not assumed to overlap. A device engine moves the same bytes over the bus as well:
 * {@code T_h2d+d2h = R / B_h2d + W / B_d2h}, and {@code T_roof = max(T_io, T_h2d+d2h)}. The bound names the larger
 * term: {@code cache+write}, {@code disk+write} or {@code h2d+d2h}. Efficiency is {@code T_roof / T_wall}.
 *
 * @param ioSeconds       {@code T_io}
 * @param transferSeconds {@code T_h2d+d2h}, NaN for the CPU engine
 * @param bound           the term that sets {@code T_roof}
 */
record Roofline(double ioSeconds, double transferSeconds, String bound) {
    /** Bound of the device links. */
    static final String TRANSFER = "h2d+d2h";

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
        double io = read / links.readBps() + written / links.writeBps();
        String ioBound = links.read() + "+write";
        if (!links.device()) {
            return new Roofline(io, Double.NaN, ioBound);
        }
        double transfer = read / links.h2dBps() + written / links.d2hBps();
        return new Roofline(io, transfer, transfer > io ? TRANSFER : ioBound);
    }

    /** {@code T_roof}. */
    double seconds() {
        return Double.isNaN(transferSeconds) ? ioSeconds : Math.max(ioSeconds, transferSeconds);
    }

    /** {@code T_roof / T_wall}: 1 is as fast as the links allow. */
    double efficiency(double wallSeconds) {
        return seconds() / wallSeconds;
    }
}
