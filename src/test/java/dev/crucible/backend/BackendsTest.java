package dev.crucible.backend;

import dev.crucible.CrucibleException;
import dev.crucible.backend.cuda.CudaProbe;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What each {@code --device} value opens, and the one-line errors for devices that are absent or misspelled. */
class BackendsTest {
    @Test
    void cpuNamesOpenTheCpuEngines() {
        try (Backend cpu = Backends.open("cpu", 2); Backend reference = Backends.open("cpu-reference", 1)) {
            assertEquals("cpu-vector", cpu.name());
            assertEquals("cpu-reference", reference.name());
        }
    }

    @Test
    void openclOpensTheFirstUsableOpenClDevice() {
        try (Backend b = Backends.open("opencl", 1)) {
            assertTrue(b.name().startsWith("opencl:"), b.name());
        }
        try (Backend b = Backends.open("opencl:0", 1)) {
            assertTrue(b.name().startsWith("opencl:0 "), b.name());
        }
    }

    @Test
    void autoTakesTheFirstAcceleratorOrTheCpu() {
        DeviceCatalog.AutoOrder order = DeviceCatalog.autoOrder();
        try (Backend b = Backends.open("auto", 1)) {
            if (order.candidates().isEmpty()) {
                assertEquals("cpu-vector", b.name());
                assertTrue(order.passedOver().stream().anyMatch(l -> l.startsWith("opencl: ")), order.toString());
            } else {
                assertTrue(b.name().startsWith(order.first() + " ") || b.name().equals("cpu-vector"), b.name());
            }
        }
    }

    @Test
    void absentDevicesAreOneLineErrors() {
        CrucibleException none = assertThrows(CrucibleException.class, () -> Backends.open("opencl:99", 1));
        assertTrue(none.getMessage().startsWith("--device opencl:99: no such OpenCL device; this machine has opencl:0"),
                none.getMessage());
        if (!CudaProbe.probe().available()) {
            CrucibleException cuda = assertThrows(CrucibleException.class, () -> Backends.open("cuda:1", 1));
            assertEquals("--device cuda:1: cuda: unavailable (" + CudaProbe.probe().unavailable() + ")",
                    cuda.getMessage());
        }
    }

    @Test
    void unknownNamesListTheAcceptedOnes() {
        for (String bad : new String[] {"tpu", "cuda:", "cuda:x", "opencl:-1", "CUDA"}) {
            CrucibleException e = assertThrows(CrucibleException.class, () -> Backends.open(bad, 1));
            assertEquals("--device " + bad + ": unknown device; use one of auto, cpu, cpu-reference, cuda, cuda:N,"
                    + " opencl, opencl:N", e.getMessage());
        }
    }
}
