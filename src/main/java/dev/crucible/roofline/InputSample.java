package dev.crucible.roofline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A merge's input files as the page cache holds them now ({@link PageCache#residency}, which changes nothing):
 * how many of their bytes are cached, and two samples to time reads on, taken in file order, cached ranges up to one
 * cap and uncached ranges up to another. A range is a run of pages alike, so a sample is read in runs as long as the
 * cache allows, as the merge reads its inputs.
 *
 * @param bytes       the files' bytes
 * @param cachedBytes those in the page cache
 * @param cached      a sample of cached bytes
 * @param uncached    a sample of bytes not cached
 */
record InputSample(long bytes, long cachedBytes, List<FileRange> cached, List<FileRange> uncached) {
    static InputSample of(List<Path> files, long cachedCap, long uncachedCap) {
        long page = PageCache.pageSize();
        long bytes = 0;
        long cachedBytes = 0;
        Sample cached = new Sample(cachedCap);
        Sample uncached = new Sample(uncachedCap);
        for (Path file : files) {
            PageCache.Residency residency = PageCache.residency(file);
            long size = residency.bytes();
            long pages = residency.pages();
            BitSet resident = residency.cached();
            for (int first = 0; first < pages; ) {
                boolean isCached = resident.get(first);
                long end = isCached ? resident.nextClearBit(first) : resident.nextSetBit(first);
                end = end < 0 ? pages : Math.min(end, pages);
                FileRange run = new FileRange(file, first * page, Math.min(end * page, size) - first * page);
                if (isCached) {
                    cachedBytes += run.length();
                    cached.take(run);
                } else {
                    uncached.take(run);
                }
                first = (int) end;
            }
            bytes += size;
        }
        return new InputSample(bytes, cachedBytes, cached.ranges, uncached.ranges);
    }

    /** Ranges taken in order until they hold {@code cap} bytes. */
    private static final class Sample {
        private final List<FileRange> ranges = new ArrayList<>();
        private long left;

        Sample(long cap) {
            this.left = cap;
        }

        void take(FileRange run) {
            if (left > 0) {
                long length = Math.min(left, run.length());
                ranges.add(new FileRange(run.file(), run.offset(), length));
                left -= length;
            }
        }
    }
}
