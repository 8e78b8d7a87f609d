package dev.crucible.io;

import dev.crucible.CrucibleException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The hash computed while writing, and what a write error leaves behind (nothing but a clear message). */
class AtomicFileTest {
    @TempDir
    Path dir;

    @Test
    void theHashComputedWhileWritingIsTheFilesSha256() {
        Path small = dir.resolve("abc");
        try (AtomicFile f = AtomicFile.create(small)) {
            f.write(MemorySegment.ofArray("abc".getBytes(StandardCharsets.US_ASCII)));
            f.commit();
            assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", f.sha256());
        }
        // large enough for the background hasher to take several turns, written in uneven pieces
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
            assertEquals(sha256(content), f.sha256());
            assertEquals(content.length, f.size());
        }
        assertEquals(sha256(content), FileHash.of(large));
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

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
