package dev.crucible.bench;

import dev.crucible.backend.Backend;
import dev.crucible.backend.Backends;
import dev.crucible.backend.DeviceCatalog;
import dev.crucible.backend.device.Device;
import dev.crucible.roofline.DeviceLinks;

import java.io.IOException;

/**
 * One engine the bench merges on, as {@code --devices} names it: the CPU engines ({@code cpu}, {@code cpu-reference})
 * or an accelerator with its measured host links.
 *
 * @param spec  the {@code --device} value of the merges
 * @param name  what the engine calls itself
 * @param links the host↔device links, null for the CPU engines
 */
record Engine(String spec, String name, DeviceLinks links) {
    /** Opens {@code spec} to name it and, for an accelerator, measure its links; throws when it cannot open. */
    static Engine open(String spec, int threads) throws IOException {
        if (DeviceCatalog.names(spec)) {
            try (Device device = DeviceCatalog.open(spec)) {
                DeviceLinks links = DeviceLinks.measure(device, DeviceLinks.BYTES);
                return new Engine(spec, links.name(), links);
            }
        }
        try (Backend backend = Backends.open(spec, threads)) {
            return new Engine(spec, spec.equals("cpu") ? backend.name() + ", " + threads + " threads" : backend.name(),
                    null);
        }
    }

    /** The line for an engine that did not open: {@code cuda: unavailable (no NVIDIA driver: ...)}. */
    static String unavailable(String spec, RuntimeException e) {
        String reason = String.valueOf(e.getMessage());
        String prefix = "--device " + spec + ": "; // DeviceCatalog's, before a reason that may read "cuda: unavailable"
        if (reason.startsWith(prefix)) {
            reason = reason.substring(prefix.length());
        }
        return reason.startsWith(spec + ": unavailable") ? reason : spec + ": unavailable (" + reason + ")";
    }
}
