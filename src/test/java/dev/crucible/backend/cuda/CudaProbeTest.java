package dev.crucible.backend.cuda;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CUDA probe answers on every machine: devices where a driver and GPU exist, one line of reason elsewhere. */
class CudaProbeTest {
    @Test
    void answersWithoutThrowingAndOnlyOnce() {
        CudaProbe.Result result = CudaProbe.probe();
        assertSame(result, CudaProbe.probe());
        if (result.available()) {
            assertNull(result.unavailable());
            assertFalse(result.devices().isEmpty());
            assertTrue(result.driverVersion() > 0);
        } else {
            assertTrue(result.devices().isEmpty());
            assertFalse(result.unavailable().isBlank());
            assertFalse(result.unavailable().contains("\n"), result.unavailable());
        }
    }

    @Test
    void isUnavailableWithoutAnNvidiaDriver() {
        if (Files.exists(Path.of("/dev/nvidiactl"))) {
            return; // a GPU machine: the other test covers it
        }
        CudaProbe.Result result = CudaProbe.probe();
        assertFalse(result.available());
        assertTrue(result.unavailable().contains("libcuda.so.1") || result.unavailable().contains("CUDA"),
                result.unavailable());
    }

    @Test
    void reportsTheDriverVersionAsMajorDotMinor() {
        assertEquals("13.0", new CudaProbe.Result(13000, List.of(), null).driverVersionText());
        assertEquals("12.6", new CudaProbe.Result(12060, List.of(), null).driverVersionText());
    }
}
