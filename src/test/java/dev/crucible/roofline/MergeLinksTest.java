package dev.crucible.roofline;

import dev.crucible.CrucibleException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The probes of {@code crucible merge --roofline} on small files: what they sample, measure and leave behind. */
class MergeLinksTest {
    @TempDir
    Path dir;

    private List<Path> inputs() throws IOException {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] bytes = new byte[(int) PageCache.pageSize() * (5 + i) + 123 * i];
            bytes[bytes.length - 1] = (byte) i;
            files.add(Files.write(dir.resolve("in-" + i + ".safetensors"), bytes));
        }
        return files;
    }

    @Test
    void samplesSplitTheInputsByTheCacheAndStopAtTheirCaps() throws IOException {
        List<Path> files = inputs();
        try {
            PageCache.evict(files.subList(1, 2)); // where the file system allows it, one file leaves the cache
        } catch (CrucibleException e) {
            // tmpfs keeps its pages: every input stays cached, which the sample must then say
        }
        long total = 0;
        for (Path f : files) {
            total += Files.size(f);
        }
        long page = PageCache.pageSize();
        InputSample sample = InputSample.of(files, 3 * page, 2 * page);
        assertEquals(total, sample.bytes());
        long uncached = total - sample.cachedBytes();
        assertEquals(Math.min(3 * page, sample.cachedBytes()), FileRange.bytes(sample.cached()));
        assertEquals(Math.min(2 * page, uncached), FileRange.bytes(sample.uncached()));
        for (FileRange r : concat(sample.cached(), sample.uncached())) {
            assertEquals(0, r.offset() % page, r.toString());
            assertTrue(r.length() > 0 && r.offset() + r.length() <= Files.size(r.file()), r.toString());
        }

        InputSample whole = InputSample.of(files, total, total);
        assertEquals(total, FileRange.bytes(whole.cached()) + FileRange.bytes(whole.uncached()),
                "with caps above the inputs, the samples cover every byte once");
    }

    @Test
    void hostLinksAreMeasuredAndTheWriteProbeIsRemoved() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        MergeLinks measured = MergeLinks.measure(inputs(), out, 1 << 20, List.of(), Long.MAX_VALUE);
        assertNull(measured.leftOut());
        Roofline.Links links = measured.links();
        assertFalse(links.device());
        assertTrue(links.writeBps() > 0 && Double.isFinite(links.writeBps()), links.toString());
        double rate = links.read().bytesPerSecond();
        assertTrue(rate > 0 && Double.isFinite(rate), links.toString());
        assertTrue(links.read().cachedFraction() > 0, "what was read from the disk is cached now: " + links);
        try (var files = Files.list(out)) {
            assertEquals(0, files.count(), "nothing is left in the output directory");
        }
    }

    @Test
    void aWriteProbeThatCannotWriteFailsInOneLineNamingItsFile() {
        Path missing = dir.resolve("missing");
        CrucibleException e = assertThrows(CrucibleException.class, () -> StorageProbes.writeSeconds(missing, 100));
        assertEquals("cannot write " + missing.resolve(StorageProbes.WRITE_PROBE) + ": no such file or directory",
                e.getMessage());
    }

    private static List<FileRange> concat(List<FileRange> a, List<FileRange> b) {
        List<FileRange> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
