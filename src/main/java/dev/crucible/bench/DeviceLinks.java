package dev.crucible.bench;

import dev.crucible.backend.DeviceCatalog;
import dev.crucible.backend.device.Device;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A device engine's links to the host, measured in this run: the best of {@value StorageLinks#RUNS} uploads and of
 * as many downloads of one large buffer ({@value #BYTES} bytes, less where the device allows less) through the engine's
 * own copy path ({@link Device#upload}/{@link Device#download}: pinned staging on CUDA), each timed to completion by
 * {@link TimedDevice}, as {@link KernelBench} times them. Bandwidths in bytes/s.
 *
 * @param name the device as users see it, e.g. {@code cuda:0 NVIDIA H100 80GB HBM3}
 */
record DeviceLinks(String name, double h2d, double d2h) {
    static final long BYTES = 256L << 20;

    /** Opens {@code spec} ({@code cuda[:N]}, {@code opencl[:N]}), measures it and closes it again. */
    static DeviceLinks measure(String spec) throws IOException {
        Device opened = DeviceCatalog.open(spec);
        TimedDevice device;
        try {
            device = new TimedDevice(opened);
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
        try (device; Arena arena = Arena.ofConfined()) {
            long n = Math.min(BYTES, Math.min(device.maxAllocation(), device.memory() / 4));
            MemorySegment host = arena.allocate(n, 4096).fill((byte) 1);
            try (Device.Buffer buffer = device.allocate(n)) {
                double up = BestOf.seconds(StorageLinks.RUNS, () -> copySeconds(device, "upload",
                        () -> device.upload(host, buffer, 0)));
                double down = BestOf.seconds(StorageLinks.RUNS, () -> copySeconds(device, "download",
                        () -> device.download(buffer, 0, host)));
                return new DeviceLinks(device.name(), n / up, n / down);
            }
        }
    }

    private static double copySeconds(TimedDevice device, String op, Runnable copy) {
        device.reset();
        copy.run();
        return device.totals().get(op).nanos / 1e9;
    }
}
