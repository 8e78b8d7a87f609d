package dev.crucible.bench;

import dev.crucible.roofline.BestOf;
import dev.crucible.roofline.DeviceLinks;
import dev.crucible.roofline.FileRange;
import dev.crucible.roofline.PageCache;
import dev.crucible.roofline.ReadLink;
import dev.crucible.roofline.Roofline;
import dev.crucible.roofline.StorageProbes;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The host's links of the bench's roofline, measured in this run with the shared probes ({@link StorageProbes}), each
 * the best of {@value BestOf#RUNS}: disk read (the base model's files, evicted from the page cache before each read,
 * {@link PageCache}), page-cache read (all the inputs, after one read that warms the cache) and write (one model's
 * bytes, forced to the device). Bandwidths in bytes/s.
 *
 * @param cached      the fraction of the inputs' pages in the page cache after reading them (1 where unknown): less
 *                    when the memory cannot hold them all, and the page-cache figure is then partly a disk figure
 * @param diskRead    NaN when not measured
 * @param diskProblem why the disk read was not measured, or null
 */
record StorageLinks(double cacheRead, double cached, double diskRead, String diskProblem, double write) {
    /** Measures the links; leaves the inputs in the page cache. */
    static StorageLinks measure(BenchModels models, Path dir) throws IOException {
        List<Path> base = BenchModels.files(models.base());
        List<FileRange> baseRanges = FileRange.whole(base);
        double disk = Double.NaN;
        String problem = null;
        try {
            disk = FileRange.bytes(baseRanges) / BestOf.seconds(() -> {
                PageCache.evict(base);
                return StorageProbes.readSeconds(baseRanges);
            });
        } catch (RuntimeException e) {
            problem = e.getMessage() != null ? e.getMessage() : e.toString();
        }
        List<Path> inputs = models.files();
        List<FileRange> inputRanges = FileRange.whole(inputs);
        StorageProbes.readSeconds(inputRanges); // warms the cache
        double cache = FileRange.bytes(inputRanges) / BestOf.seconds(() -> StorageProbes.readSeconds(inputRanges));
        double cached = 1;
        try {
            cached = PageCache.resident(inputs);
        } catch (RuntimeException e) {
            // no mincore: the figure stands without the note
        }
        double write = models.modelBytes() / BestOf.seconds(() -> StorageProbes.writeSeconds(dir,
                models.modelBytes()));
        return new StorageLinks(cache, cached, disk, problem, write);
    }

    /** The links of one engine's merges: page cache or, when {@code cold}, disk reads; the device's, if any. */
    Roofline.Links links(boolean cold, DeviceLinks device) {
        return new Roofline.Links(cold ? ReadLink.disk(diskRead) : ReadLink.cache(cacheRead), write,
                device == null ? Double.NaN : device.h2d(), device == null ? Double.NaN : device.d2h());
    }
}
