package dev.crucible.io;

import dev.crucible.CrucibleException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The checksum computed while writing, and what a write error leaves behind (nothing but a clear message). */
class AtomicFileTest {
    @TempDir
    Path dir;

    @Test
    void theChecksumComputedWhileWritingIsTheFilesCrc32c() {
        Path small = dir.resolve("digits");
        try (AtomicFile f = AtomicFile.create(small)) {
            f.write(MemorySegment.ofArray("123456789".getBytes(StandardCharsets.US_ASCII)));
            f.commit();
            assertEquals("e3069283", f.crc32c(), "the CRC-32C check value");
        }
        // written in uneven pieces
        byte[] content = new byte[29 << 20];
        new SplittableRandom(1).nextBytes(content);
        Path large = dir.resolve("large");
        try (AtomicFile f = AtomicFile.create(large)) {
            for (int at = 0; at < content.length; ) {
                int n = Math.min(content.length - at, 777_777);
                f.write(MemorySegment.ofArray(content).asSlice(at, n));
                at += n;
            }
            f.commit();
            assertEquals(crc32c(content), f.crc32c());
            assertEquals(content.length, f.size());
        }
        assertEquals(crc32c(content), FileHash.crc32c(large));
    }

    @Test
    void aFullDiskNamesTheFileAndLeavesNoPartialFile() {
        Path target = dir.resolve("model.safetensors");
        try (FullDisk disk = FullDisk.withRoomFor(1000)) {
            CrucibleException e = assertThrows(CrucibleException.class, () -> {
                try (AtomicFile f = AtomicFile.create(target)) {
                    f.write(MemorySegment.ofArray(new byte[600]));
                    f.write(MemorySegment.ofArray(new byte[600]));
                    f.commit();
                }
            });
            assertEquals("cannot write " + target + ": No space left on device", e.getMessage());
        }
        assertEquals(0, listing());
    }

    @Test
    void theKernelsOwnNoSpaceErrorToo() throws Exception {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.isWritable(full), "needs /dev/full");
        Path target = dir.resolve("config.json");
        // the temporary file is a link to a device that is always full
        Files.createSymbolicLink(dir.resolve(".config.json.partial"), full);
        CrucibleException e = assertThrows(CrucibleException.class, () -> AtomicFile.write(target, new byte[10]));
        assertEquals("cannot write " + target + ": No space left on device", e.getMessage());
        assertEquals(0, listing(), "the link is removed, the device left alone");
        assertTrue(Files.exists(full));
        assertFalse(Files.exists(target));
    }

    private long listing() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String crc32c(byte[] content) {
        CRC32C checksum = new CRC32C();
        checksum.update(content);
        return String.format("%08x", checksum.getValue());
    }
}
