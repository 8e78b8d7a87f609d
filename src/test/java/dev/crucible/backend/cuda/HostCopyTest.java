package dev.crucible.backend.cuda;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Parallel host copies give the bytes of a plain copy, from shared and from thread-confined memory alike. */
class HostCopyTest {
    private static void fill(MemorySegment s) {
        for (long i = 0; i < s.byteSize(); i++) {
            s.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + (i >>> 13)));
        }
    }

    private static void check(Arena arena, long size) {
        MemorySegment src = arena.allocate(size + 7);
        MemorySegment dst = arena.allocate(size + 11);
        fill(src);
        HostCopy.copy(src, 3, dst, 5, size);
        assertEquals(-1, src.asSlice(3, size).mismatch(dst.asSlice(5, size)), "size " + size);
        assertEquals(0, dst.get(ValueLayout.JAVA_BYTE, 4), "byte before the copy");
        assertEquals(0, dst.get(ValueLayout.JAVA_BYTE, 5 + size), "byte after the copy");
    }

    @Test
    void copiesInPartsFromSharedMemory() {
        try (Arena arena = Arena.ofShared()) {
            for (long size : new long[] {0, 1, (4L << 20) - 1, 9L << 20, (37L << 20) + 3}) {
                check(arena, size);
            }
        }
    }

    @Test
    void copiesConfinedMemoryOnTheCallingThread() {
        try (Arena arena = Arena.ofConfined()) {
            check(arena, (9L << 20) + 1);
        }
    }
}
