package dev.crucible.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The roofline arithmetic on made-up bandwidths: R = 3 GB read, W = 1 GB written. */
class RooflineTest {
    private static final long R = 3_000_000_000L;
    private static final long W = 1_000_000_000L;

    @Test
    void theCpuEngineIsBoundByReadingPlusWriting() {
        Roofline roof = Roofline.of(R, W, new Roofline.Links("cache", 6e9, 2e9, Double.NaN, Double.NaN));
        assertEquals(0.5 + 0.5, roof.ioSeconds(), 1e-12);
        assertTrue(Double.isNaN(roof.transferSeconds()));
        assertEquals(1.0, roof.seconds(), 1e-12);
        assertEquals("cache+write", roof.bound());
        assertEquals(0.5, roof.efficiency(2.0), 1e-12);
    }

    @Test
    void aDeviceEngineWithAFastBusIsBoundByStorage() {
        Roofline roof = Roofline.of(R, W, new Roofline.Links("disk", 6e9, 2e9, 30e9, 20e9));
        assertEquals(0.1 + 0.05, roof.transferSeconds(), 1e-12);
        assertEquals(1.0, roof.seconds(), 1e-12);
        assertEquals("disk+write", roof.bound());
    }

    @Test
    void aDeviceEngineWithASlowBusIsBoundByTheCopies() {
        Roofline.Links links = new Roofline.Links("cache", 60e9, 20e9, 10e9, 10e9);
        assertTrue(links.device());
        Roofline roof = Roofline.of(R, W, links);
        assertEquals(0.05 + 0.05, roof.ioSeconds(), 1e-12);
        assertEquals(0.3 + 0.1, roof.transferSeconds(), 1e-12);
        assertEquals(0.4, roof.seconds(), 1e-12);
        assertEquals("h2d+d2h", roof.bound());
        assertEquals(0.8, roof.efficiency(0.5), 1e-12);
        assertFalse(new Roofline.Links("cache", 1, 1, Double.NaN, Double.NaN).device());
    }
}
