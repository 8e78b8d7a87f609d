package dev.crucible.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The host's links of the roofline, measured in this run, each the best of {@value #RUNS}: disk read (the base
 * model's files, evicted from the page cache before each read, {@link PageCache}), page-cache read (all the inputs,
 * after one read that warms the cache) and write (one model's bytes with a plain FileChannel, flushed to the device as
 * the merge's shard writer does). Reads are large sequential reads into one 64 MiB buffer. Bandwidths in bytes/s.
 *
 * @param cached      the fraction of the inputs' pages in the page cache after reading them (1 where unknown): less
 *                    when the memory cannot hold them all, and the page-cache figure is then partly a disk figure
 * @param diskRead    NaN when not measured
 * @param diskProblem why the disk read was not measured, or null
 */
record StorageLinks(double cacheRead, double cached, double diskRead, String diskProblem, double write) {
    static final int RUNS = 3;
    private static final int BLOCK = 64 << 20;

    /** Measures the links; leaves the inputs in the page cache. */
    static StorageLinks measure(BenchModels models, Path dir) throws IOException {
        List<Path> base = BenchModels.files(models.base());
        double disk = Double.NaN;
        String problem = null;
        try {
            disk = bytes(base) / BestOf.seconds(RUNS, () -> {
                PageCache.evict(base);
                return readSeconds(base);
            });
        } catch (RuntimeException e) {
            problem = e.getMessage() != null ? e.getMessage() : e.toString();
        }
        List<Path> inputs = models.files();
        readSeconds(inputs); // warms the cache
        double cache = bytes(inputs) / BestOf.seconds(RUNS, () -> readSeconds(inputs));
        double cached = 1;
        try {
            cached = PageCache.resident(inputs);
        } catch (RuntimeException e) {
            // no mincore: the figure stands without the note
        }
        Path target = dir.resolve("link-write.tmp");
        double write = models.modelBytes() / BestOf.seconds(RUNS, () -> writeSeconds(target, models.modelBytes()));
        return new StorageLinks(cache, cached, disk, problem, write);
    }

    /** The links of one engine's merges: page cache or, when {@code cold}, disk reads; the device's, if any. */
    Roofline.Links links(boolean cold, DeviceLinks device) {
        return new Roofline.Links(cold ? "disk" : "cache", cold ? diskRead : cacheRead, write,
                device == null ? Double.NaN : device.h2d(), device == null ? Double.NaN : device.d2h());
    }

    /** Seconds to read every file once (the bytes read are not needed: the reading is what is measured). */
    static double readSeconds(List<Path> files) throws IOException {
        ByteBuffer block = ByteBuffer.allocateDirect(BLOCK);
        long start = System.nanoTime();
        for (Path p : files) {
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                while (ch.read(block.clear()) > 0) {
                    // next block
                }
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Seconds to write {@code bytes} into {@code target} and force them to the device; deletes it. */
    private static double writeSeconds(Path target, long bytes) throws IOException {
        ByteBuffer block = ByteBuffer.allocateDirect(BLOCK);
        long start = System.nanoTime();
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long done = 0; done < bytes; ) {
                block.clear().limit((int) Math.min(BLOCK, bytes - done));
                done += ch.write(block);
            }
            ch.force(true);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Files.delete(target);
        return seconds;
    }

    private static long bytes(List<Path> files) throws IOException {
        long total = 0;
        for (Path p : files) {
            total += Files.size(p);
        }
        return total;
    }
}
