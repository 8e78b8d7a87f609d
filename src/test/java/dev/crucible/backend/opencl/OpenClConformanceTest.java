package dev.crucible.backend.opencl;

import dev.crucible.backend.DeviceCatalog;
import dev.crucible.backend.EngineConformance;
import dev.crucible.backend.Threshold;
import dev.crucible.backend.device.DeviceBackend;

import java.util.List;

/**
 * The device engine on OpenCL (PoCL in CI, where it must run, not skip) against the CPU reference: once with windows
 * sized from its memory budget, once with windows of two chunks, so that the larger sizes cross window boundaries inside
 * every primitive (masks, tie prefixes, chunk partials, DELLA blocks, fibre coefficients).
 */
class OpenClConformanceTest extends EngineConformance {
    @Override
    protected List<Engine> engines() {
        return List.of(new Engine("opencl", new DeviceBackend(DeviceCatalog.open("opencl")), false),
                new Engine("opencl, windows of two chunks",
                        new DeviceBackend(DeviceCatalog.open("opencl"), 0, 1, 2 * Threshold.CHUNK), false));
    }
}
