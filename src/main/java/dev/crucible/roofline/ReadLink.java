package dev.crucible.roofline;

/**
 * The read link of the roofline when the inputs are partly in the page cache: the cached share of the bytes comes at
 * the page cache's rate, the rest at the disk's, {@code T_read = f·R / B_cache + (1 − f)·R / B_disk}
 * (numerics-and-gpu.md §12 reads a warm cache at {@code B_mem}, a cold one at {@code B_read}). A share of no bytes
 * costs nothing, so the link of a share that is empty need not have been measured.
 *
 * @param cachedFraction f, the share of the input bytes in the page cache, in [0, 1]
 * @param cacheBps       page-cache read bandwidth in bytes/s, NaN when not measured
 * @param diskBps        disk read bandwidth in bytes/s, NaN when not measured
 */
public record ReadLink(double cachedFraction, double cacheBps, double diskBps) {
    public ReadLink {
        if (!(cachedFraction >= 0 && cachedFraction <= 1)) {
            throw new IllegalArgumentException("cached fraction " + cachedFraction + " is not in [0, 1]");
        }
    }

    /** Every input in the page cache. */
    public static ReadLink cache(double bytesPerSecond) {
        return new ReadLink(1, bytesPerSecond, Double.NaN);
    }

    /** Every input on the disk. */
    public static ReadLink disk(double bytesPerSecond) {
        return new ReadLink(0, Double.NaN, bytesPerSecond);
    }

    /** {@code T_read} of {@code bytes}. */
    public double seconds(long bytes) {
        return bytes * secondsPerByte();
    }

    /** The rate the two shares give together, {@code R / T_read}. */
    public double bytesPerSecond() {
        return 1 / secondsPerByte();
    }

    /** What the roofline calls the link: {@code cache}, {@code disk}, or {@code read} for a mix of both. */
    public String name() {
        return cachedFraction == 1 ? "cache" : cachedFraction == 0 ? "disk" : "read";
    }

    private double secondsPerByte() {
        return (cachedFraction > 0 ? cachedFraction / cacheBps : 0)
                + (cachedFraction < 1 ? (1 - cachedFraction) / diskBps : 0);
    }
}
