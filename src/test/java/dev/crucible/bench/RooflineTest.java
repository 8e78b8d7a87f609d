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
    void theCpuEngineIsBoundByItsSlowestStorageLink() {
        Roofline writeBound = Roofline.of(R, W, new Roofline.Links("cache", 6e9, 1e9, Double.NaN, Double.NaN));
        assertEquals(1.0, writeBound.seconds(), 1e-12);
        assertEquals("write", writeBound.bound());
        assertEquals(0.5 + 1.0, writeBound.serialSeconds(), 1e-12);
        assertEquals(0.5, writeBound.efficiency(2.0), 1e-12);
        Roofline readBound = Roofline.of(R, W, new Roofline.Links("disk", 2e9, 2e9, Double.NaN, Double.NaN));
        assertEquals(1.5, readBound.seconds(), 1e-12);
        assertEquals("disk", readBound.bound());
    }

    @Test
    void aDeviceEngineWithAFastBusIsBoundByStorage() {
        Roofline roof = Roofline.of(R, W, new Roofline.Links("cache", 6e9, 1e9, 30e9, 20e9));
        assertEquals(1.0, roof.seconds(), 1e-12);
        assertEquals("write", roof.bound());
    }

    @Test
    void aDeviceEngineWithASlowBusIsBoundByTheCopies() {
        Roofline.Links links = new Roofline.Links("cache", 60e9, 20e9, 10e9, 1e9);
        assertTrue(links.device());
        assertEquals("h2d", Roofline.of(R, W / 100, links).bound());
        Roofline roof = Roofline.of(R, W, links);
        assertEquals(1.0, roof.seconds(), 1e-12);
        assertEquals("d2h", roof.bound());
        assertEquals(0.8, roof.efficiency(1.25), 1e-12);
        assertFalse(new Roofline.Links("cache", 1, 1, Double.NaN, Double.NaN).device());
    }
}
