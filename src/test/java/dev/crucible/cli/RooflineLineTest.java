package dev.crucible.cli;

import dev.crucible.roofline.MergeLinks;
import dev.crucible.roofline.ReadLink;
import dev.crucible.roofline.Roofline;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The summary line of {@code merge --roofline} from made-up links: R = 3 GB read, W = 1 GB written. */
class RooflineLineTest {
    private static final long R = 3_000_000_000L;
    private static final long W = 1_000_000_000L;

    @Test
    void namesTheBoundAndEveryLinkItWasChosenFrom() {
        // read: 2.25 GB at 9 GB/s + 0.75 GB at 1.5 GB/s = 0.75 s; write 1 GB at 1 GB/s = 1 s; 1 s of 2 s is 0.50
        MergeLinks mixed = new MergeLinks(new Roofline.Links(new ReadLink(0.75, 9e9, 1.5e9), 1e9, Double.NaN,
                Double.NaN), null);
        assertEquals("roofline: 1.00 s (write-bound: read 4.00 GB/s, 75.0% from the page cache at 9.00 GB/s and 25.0%"
                + " from disk at 1.50 GB/s; write 1.00 GB/s), efficiency 0.50", RooflineLine.of(mixed, R, W, 2.0));

        // h2d: 3 GB at 2 GB/s = 1.5 s, beyond the cache's 0.5 s and the write's 0.5 s
        MergeLinks device = new MergeLinks(new Roofline.Links(ReadLink.cache(6e9), 2e9, 2e9, 4e9), null);
        assertEquals("roofline: 1.50 s (h2d-bound: read 6.00 GB/s from the page cache; write 2.00 GB/s; h2d 2.00"
                + " GB/s; d2h 4.00 GB/s), efficiency 0.75", RooflineLine.of(device, R, W, 2.0));

        MergeLinks mixedEngines = new MergeLinks(new Roofline.Links(ReadLink.disk(1e9), 4e9, Double.NaN,
                Double.NaN), "host engines share the work");
        assertEquals("roofline: 3.00 s (disk-bound: read 1.00 GB/s from disk; write 4.00 GB/s; device links left out:"
                + " host engines share the work), efficiency 0.60", RooflineLine.of(mixedEngines, R, W, 5.0));
    }

    @Test
    void aTinyMergesFiguresKeepTwoSignificantDigits() {
        assertEquals("0.74", RooflineLine.figure(0.7412));
        assertEquals("0.0012", RooflineLine.figure(0.0012345));
        assertEquals("0.000021", RooflineLine.figure(0.0000214));
    }
}
