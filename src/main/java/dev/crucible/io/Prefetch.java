package dev.crucible.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Brings a range of a mapped input file into memory before the merge reads it, so that the engine's threads neither
 * wait for the disk nor take a page fault per page: on Linux one {@code madvise(MADV_POPULATE_READ)} reads what is
 * not cached and maps every page of the range at once (about 20 ms per GB from the page cache on the development
 * machine, against 40 ms per GB of faults taken one by one). Where that call is missing (an older kernel, another
 * OS) one byte per page is touched instead, which at least reads the file ahead. Only reads, so it may run on any
 * thread beside the merge.
 */
public final class Prefetch {
    private static final int MADV_POPULATE_READ = 22;
    private static final long PAGE = 4096;

    private Prefetch() {
    }

    /** Populates the pages of {@code range}, a slice of a mapped file. */
    public static void populate(MemorySegment range) {
        if (range.byteSize() == 0) {
            return;
        }
        long start = range.address() & -PAGE;
        long length = range.address() + range.byteSize() - start;
        if (CLibrary.madvise(MemorySegment.ofAddress(start), length, MADV_POPULATE_READ)) {
            return;
        }
        for (long at = 0; at < range.byteSize(); at += PAGE) {
            range.get(ValueLayout.JAVA_BYTE, at);
        }
    }
}
