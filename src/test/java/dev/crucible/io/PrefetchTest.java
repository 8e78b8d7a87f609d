package dev.crucible.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Prefetching any slice of a mapped file, page-aligned or not, up to its last byte, leaves its contents as they are. */
class PrefetchTest {
    @Test
    void unalignedSlicesUpToTheEndOfTheFile(@TempDir Path dir) throws IOException {
        byte[] bytes = new byte[3 * 4096 + 123];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        Path file = Files.write(dir.resolve("data"), bytes);
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(file)) {
            MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, bytes.length, arena);
            for (long[] range : new long[][] {{0, bytes.length}, {1, 4096}, {4095, 2}, {bytes.length - 7, 7},
                {100, 0}}) {
                Prefetch.populate(mapped.asSlice(range[0], range[1]));
            }
            for (int i = 0; i < bytes.length; i++) {
                assertEquals(bytes[i], mapped.get(ValueLayout.JAVA_BYTE, i));
            }
        }
    }
}
