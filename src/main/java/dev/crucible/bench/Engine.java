package dev.crucible.bench;

import dev.crucible.backend.Backend;
import dev.crucible.backend.Backends;
import dev.crucible.backend.DeviceCatalog;
import dev.crucible.backend.Engines;
import dev.crucible.backend.device.Device;
import dev.crucible.roofline.DeviceLinks;

import java.io.IOException;
import java.util.List;

/**
 * One engine the bench merges on, as {@code --devices} names it: the CPU engines ({@code cpu}, {@code cpu-reference})
 * or an accelerator with its measured host links, merging with {@code streams} pipelines.
 *
 * @param spec    the {@code --device} value of the merges
 * @param name    what the engine calls itself
 * @param links   the host↔device links, null for the CPU engines
 * @param streams the merges' {@code --streams}: 1 for the CPU engines, which take one pipeline whatever it says
 */
record Engine(String spec, String name, DeviceLinks links, int streams) {
    /** Opens {@code spec} to name it and, for an accelerator, measure its links; throws when it cannot open. */
    static Engine open(String spec, int threads) throws IOException {
        if (DeviceCatalog.names(spec)) {
            try (Device device = DeviceCatalog.open(spec)) {
                DeviceLinks links = DeviceLinks.measure(device, DeviceLinks.BYTES);
                return new Engine(spec, links.name(), links, Engines.DEFAULT_STREAMS);
            }
        }
        try (Backend backend = Backends.open(spec, threads)) {
            return new Engine(spec, spec.equals("cpu") ? backend.name() + ", " + threads + " threads" : backend.name(),
                    null, 1);
        }
    }

    /** The engine once per stream count of {@code --streams} when it is an accelerator; else the engine alone. */
    List<Engine> perStreams(List<Integer> counts) {
        return links == null ? List.of(this) : counts.stream().map(s -> new Engine(spec, name, links, s)).toList();
    }

    /** The engine's tables and rows: its spec, with the stream count for an accelerator. */
    String label() {
        return links == null ? spec : spec + " --streams " + streams;
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
