package dev.crucible.roofline;

import dev.crucible.backend.Backend;
import dev.crucible.backend.device.DeviceBackend;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The links of one merge's roofline ({@code crucible merge --roofline}), measured just before it runs, on samples
 * capped so that the probes take a second or two whatever the merge's size. Nothing is evicted from the page cache:
 * the merge is timed against the cache as it finds it.
 * <ul>
 * <li>read: of the input files' bytes, those in the page cache ({@link InputSample}) are timed on a sample of cached
 * ranges ({@value #CACHED_SAMPLE} bytes at most, best of {@value BestOf#RUNS}), the others on a sample of uncached
 * ranges ({@value #UNCACHED_SAMPLE} bytes at most) read once, since reading caches them; the merge reads them
 * anyway. When the cache holds less than a full cached sample, the bytes just read from the disk join it, read
 * again from the cache; they count as cached for the merge too.</li>
 * <li>write: at most {@value #WRITE_SAMPLE} bytes, best of {@value BestOf#RUNS}, written into the output directory and
 * forced to the device ({@link StorageProbes#writeSeconds}).</li>
 * <li>host↔device: for a device engine, its own device ({@link DeviceLinks}). Engines on different devices move
 * their shares of the tensors over their own links at once, so their bandwidths add up; engines on one device share
 * its link, which counts once. When host engines share the work with device engines, part of the bytes never crosses
 * a device link, so no device link bounds the merge: they are left out, and {@code leftOut} says why.</li>
 * </ul>
 *
 * @param leftOut why the device links are not in the roofline, or null
 */
public record MergeLinks(Roofline.Links links, String leftOut) {
    static final long CACHED_SAMPLE = 512L << 20;
    static final long UNCACHED_SAMPLE = 256L << 20;
    static final long WRITE_SAMPLE = 256L << 20;

    /**
     * Measures the links of a merge that reads {@code inputs} and writes {@code written} bytes into {@code outDir} on
     * {@code engines}, copying at most {@code deviceBytes} to a device at a time.
     */
    public static MergeLinks measure(List<Path> inputs, Path outDir, long written, List<Backend> engines,
                                     long deviceBytes) {
        ReadLink read = read(InputSample.of(inputs, CACHED_SAMPLE, UNCACHED_SAMPLE));
        long writeSample = Math.min(WRITE_SAMPLE, written);
        double write = writeSample == 0 ? Double.NaN
                : writeSample / BestOf.seconds(() -> StorageProbes.writeSeconds(outDir, writeSample));
        List<DeviceBackend> devices = engines.stream().filter(DeviceBackend.class::isInstance)
                .map(DeviceBackend.class::cast).toList();
        if (devices.isEmpty()) {
            return new MergeLinks(new Roofline.Links(read, write, Double.NaN, Double.NaN), null);
        }
        if (devices.size() < engines.size()) {
            return new MergeLinks(new Roofline.Links(read, write, Double.NaN, Double.NaN),
                    "host engines share the work");
        }
        double h2d = 0;
        double d2h = 0;
        Set<String> measured = new HashSet<>();
        for (DeviceBackend engine : devices) {
            if (measured.add(engine.device().name())) {
                DeviceLinks links = DeviceLinks.measure(engine.device(), deviceBytes);
                h2d += links.h2d();
                d2h += links.d2h();
            }
        }
        return new MergeLinks(new Roofline.Links(read, write, h2d, d2h), null);
    }

    /** Times the samples: the uncached one first, once, which leaves it cached. */
    private static ReadLink read(InputSample sample) {
        long fromDisk = FileRange.bytes(sample.uncached());
        double disk = fromDisk == 0 ? Double.NaN : fromDisk / StorageProbes.readSeconds(sample.uncached());
        List<FileRange> cached = new ArrayList<>(sample.cached());
        if (FileRange.bytes(cached) < CACHED_SAMPLE) {
            cached.addAll(sample.uncached());
        }
        long fromCache = FileRange.bytes(cached);
        double cache = fromCache == 0 ? Double.NaN
                : fromCache / BestOf.seconds(() -> StorageProbes.readSeconds(cached));
        double fraction = sample.bytes() == 0 ? 1 : Math.min(1, (double) (sample.cachedBytes() + fromDisk)
                / sample.bytes());
        return new ReadLink(fraction, cache, disk);
    }
}
