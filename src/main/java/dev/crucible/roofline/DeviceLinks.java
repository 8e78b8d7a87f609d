package dev.crucible.roofline;

import dev.crucible.backend.device.Device;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A device engine's links to the host: the best of {@value BestOf#RUNS} uploads and of as many downloads of one large
 * buffer through the engine's own copy path ({@link Device#upload}/{@link Device#download}: pinned staging on CUDA).
 * An upload may return before the copy ends, so it is timed up to a one-byte download behind it on the device's
 * in-order queue; a download returns with the data on the host. Bandwidths in bytes/s.
 *
 * @param name the device as users see it, e.g. {@code cuda:0 NVIDIA H100 80GB HBM3}
 */
public record DeviceLinks(String name, double h2d, double d2h) {
    /** The buffer copied, less where the device or the caller allows less. */
    public static final long BYTES = 256L << 20;

    /** Measures {@code device} with a buffer of at most {@code maxBytes}; leaves the device open. */
    public static DeviceLinks measure(Device device, long maxBytes) {
        long n = Math.min(Math.min(BYTES, maxBytes), Math.min(device.maxAllocation(), device.memory() / 4));
        try (Arena arena = Arena.ofConfined(); Device.Buffer buffer = device.allocate(n)) {
            MemorySegment host = arena.allocate(n, 4096).fill((byte) 1);
            MemorySegment fence = arena.allocate(1);
            double up = BestOf.seconds(() -> {
                device.download(buffer, 0, fence); // nothing earlier is still queued
                long start = System.nanoTime();
                device.upload(host, buffer, 0);
                device.download(buffer, 0, fence);
                return (System.nanoTime() - start) / 1e9;
            });
            double down = BestOf.seconds(() -> {
                long start = System.nanoTime();
                device.download(buffer, 0, host);
                return (System.nanoTime() - start) / 1e9;
            });
            return new DeviceLinks(device.name(), n / up, n / down);
        }
    }
}
