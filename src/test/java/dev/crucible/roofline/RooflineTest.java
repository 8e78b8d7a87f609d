package dev.crucible.roofline;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The roofline arithmetic on made-up bandwidths: R = 3 GB read, W = 1 GB written. */
class RooflineTest {
    private static final long R = 3_000_000_000L;
    private static final long W = 1_000_000_000L;
    private static final double NONE = Double.NaN;

    @Test
    void theCpuEngineIsBoundByItsSlowestStorageLink() {
        Roofline writeBound = Roofline.of(R, W, new Roofline.Links(ReadLink.cache(6e9), 1e9, NONE, NONE));
        assertEquals(1.0, writeBound.seconds(), 1e-12);
        assertEquals("write", writeBound.bound());
        assertEquals(0.5 + 1.0, writeBound.serialSeconds(), 1e-12);
        assertEquals(0.5, writeBound.efficiency(2.0), 1e-12);
        Roofline readBound = Roofline.of(R, W, new Roofline.Links(ReadLink.disk(2e9), 2e9, NONE, NONE));
        assertEquals(1.5, readBound.seconds(), 1e-12);
        assertEquals("disk", readBound.bound());
    }

    @Test
    void aDeviceEngineWithAFastBusIsBoundByStorage() {
        Roofline roof = Roofline.of(R, W, new Roofline.Links(ReadLink.cache(6e9), 1e9, 30e9, 20e9));
        assertEquals(1.0, roof.seconds(), 1e-12);
        assertEquals("write", roof.bound());
    }

    @Test
    void aDeviceEngineWithASlowBusIsBoundByTheCopies() {
        Roofline.Links links = new Roofline.Links(ReadLink.cache(60e9), 20e9, 10e9, 1e9);
        assertTrue(links.device());
        assertEquals("h2d", Roofline.of(R, W / 100, links).bound());
        Roofline roof = Roofline.of(R, W, links);
        assertEquals(1.0, roof.seconds(), 1e-12);
        assertEquals("d2h", roof.bound());
        assertEquals(0.8, roof.efficiency(1.25), 1e-12);
        assertFalse(new Roofline.Links(ReadLink.cache(1), 1, NONE, NONE).device());
    }

    @Test
    void partlyCachedInputsAreReadAtBothRates() {
        // 75 % cached: 2.25 GB at 9 GB/s = 0.25 s, 0.75 GB from the disk at 1.5 GB/s = 0.5 s
        ReadLink read = new ReadLink(0.75, 9e9, 1.5e9);
        assertEquals(0.75, read.seconds(R), 1e-12);
        assertEquals(4e9, read.bytesPerSecond(), 1e-3);
        assertEquals("read", read.name());
        Roofline readBound = Roofline.of(R, W, new Roofline.Links(read, 2e9, NONE, NONE));
        assertEquals(0.75, readBound.seconds(), 1e-12);
        assertEquals("read", readBound.bound());
        assertEquals(0.75 + 0.5, readBound.serialSeconds(), 1e-12);
        Roofline writeBound = Roofline.of(R, W, new Roofline.Links(read, 1.25e9, NONE, NONE));
        assertEquals(0.8, writeBound.seconds(), 1e-12);
        assertEquals("write", writeBound.bound());
    }

    @Test
    void aLinkThatMovesNothingNeedNotHaveBeenMeasured() {
        assertEquals(1.0, ReadLink.cache(3e9).seconds(R), 1e-12, "no disk figure needed when all is cached");
        assertEquals(2.0, ReadLink.disk(1.5e9).seconds(R), 1e-12, "no cache figure needed when nothing is");
        assertEquals("cache", ReadLink.cache(1).name());
        assertEquals("disk", ReadLink.disk(1).name());
        Roofline nothingWritten = Roofline.of(R, 0, new Roofline.Links(ReadLink.cache(3e9), NONE, NONE, NONE));
        assertEquals(1.0, nothingWritten.seconds(), 1e-12);
        assertEquals("cache", nothingWritten.bound());
        assertThrows(IllegalArgumentException.class, () -> new ReadLink(1.5, 1, 1));
    }
}
