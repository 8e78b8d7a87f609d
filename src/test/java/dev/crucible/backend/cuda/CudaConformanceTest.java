package dev.crucible.backend.cuda;

import dev.crucible.backend.DeviceCatalog;
import dev.crucible.backend.EngineConformance;
import dev.crucible.backend.Threshold;
import dev.crucible.backend.device.DeviceBackend;
import org.junit.jupiter.api.Tag;

import java.util.List;

/**
 * The device engine on CUDA device 0 against the CPU reference, with windows sized from its memory budget and with
 * windows of two chunks. Tagged {@code gpu}: it runs where a GPU is (scripts/test enables the tag there).
 */
@Tag("gpu")
class CudaConformanceTest extends EngineConformance {
    @Override
    protected List<Engine> engines() {
        return List.of(new Engine("cuda", new DeviceBackend(DeviceCatalog.open("cuda")), false),
                new Engine("cuda, windows of two chunks",
                        new DeviceBackend(DeviceCatalog.open("cuda"), 0, 1, 2 * Threshold.CHUNK), false));
    }
}
