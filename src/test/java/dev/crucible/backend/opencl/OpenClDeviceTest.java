package dev.crucible.backend.opencl;

import dev.crucible.backend.device.Device;
import dev.crucible.backend.device.DeviceContract;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Comparator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenCL driver on the first usable OpenCL device (PoCL in CI). Not skipped without one: CI must have OpenCL, so
 * a machine without a usable device fails here, saying why.
 */
class OpenClDeviceTest extends DeviceContract {
    static OpenClDeviceInfo usableDevice() {
        OpenClProbe.Result probe = OpenClProbe.probe();
        assertTrue(probe.available(), () -> "opencl: unavailable (" + probe.unavailable() + ")");
        return probe.devices().stream().filter(OpenClDeviceInfo::usable)
                .min(Comparator.comparing(d -> d.kind() != OpenClDeviceInfo.Kind.GPU))
                .orElseThrow(() -> new AssertionError("no usable OpenCL device: " + probe.devices()));
    }

    @Override
    protected Device open() {
        return new OpenClDevice(usableDevice());
    }

    @Test
    void probeIsCachedAndDescribesTheDevice() {
        OpenClDeviceInfo d = usableDevice();
        assertSame(OpenClProbe.probe(), OpenClProbe.probe());
        assertTrue(d.memory() > 0 && d.maxAllocation() > 0 && d.maxAllocation() <= d.memory(), d.toString());
        assertTrue(device.name().startsWith("opencl:" + d.index() + " " + d.name()), device.name());
    }

    @Test
    void aSecondDeviceReusesTheBuiltProgram() {
        byte[] back = new byte[300];
        try (Device second = open(); Device.Buffer b = second.allocate(300)) {
            second.launch("fill_u8", groups(300), b, 5, 300L);
            second.download(b, 0, MemorySegment.ofArray(back));
        }
        byte[] fives = new byte[300];
        Arrays.fill(fives, (byte) 5);
        assertArrayEquals(fives, back);
        assertSame(OpenClProgram.of(usableDevice()), OpenClProgram.of(usableDevice()));
    }

    @Test
    void checksTheArgumentCount() {
        try (Device.Buffer b = device.allocate(16)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> device.launch("fill_u8", 1, b, 5));
            assertTrue(e.getMessage().contains("fill_u8 takes 3 arguments, got 2"), e.getMessage());
        }
    }
}
