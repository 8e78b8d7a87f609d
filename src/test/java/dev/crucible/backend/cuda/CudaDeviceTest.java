package dev.crucible.backend.cuda;

import dev.crucible.backend.device.Device;
import dev.crucible.backend.device.DeviceContract;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CUDA driver on device 0. Runs only where a GPU is (scripts/test enables the "gpu" tag there). */
@Tag("gpu")
class CudaDeviceTest extends DeviceContract {
    @Override
    protected Device open() {
        CudaProbe.Result probe = CudaProbe.probe();
        assertTrue(probe.available(), () -> "cuda: unavailable (" + probe.unavailable() + ")");
        return new CudaDevice(probe.devices().getFirst());
    }

    @Test
    void namesTheGpuAndItsModule() {
        CudaProbe.Gpu gpu = CudaProbe.probe().devices().getFirst();
        assertTrue(device.name().startsWith("cuda:0 " + gpu.name() + " ("), device.name());
        assertTrue(device.name().endsWith("cubin)") || device.name().endsWith("(PTX)"), device.name());
        assertTrue(device.memory() > 0);
    }
}
