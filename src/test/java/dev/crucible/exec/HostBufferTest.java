package dev.crucible.exec;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Output buffers: large ones in whole, aligned huge pages, accounted as such; small ones exactly as asked. */
class HostBufferTest {
    private static final long HUGE_PAGE = 2L << 20;

    @Test
    void largeBuffersTakeWholeHugePages() {
        assertEquals(1_000, HostBuffer.footprint(1_000));
        assertEquals(HostBuffer.HUGE_MIN - 1, HostBuffer.footprint(HostBuffer.HUGE_MIN - 1));
        assertEquals(HostBuffer.HUGE_MIN, HostBuffer.footprint(HostBuffer.HUGE_MIN));
        assertEquals(HostBuffer.HUGE_MIN + HUGE_PAGE, HostBuffer.footprint(HostBuffer.HUGE_MIN + 1));
    }

    @Test
    void aLargeBufferIsAlignedAndHoldsWhatIsWritten() {
        long bytes = HostBuffer.HUGE_MIN + 12_345;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = HostBuffer.allocate(arena, bytes);
            assertEquals(bytes, buffer.byteSize());
            if (System.getProperty("os.name").startsWith("Linux")) {
                assertEquals(0, buffer.address() % HUGE_PAGE);
            }
            for (long at = 0; at < bytes; at += 4096) {
                buffer.set(ValueLayout.JAVA_BYTE, at, (byte) (at >>> 12));
            }
            buffer.set(ValueLayout.JAVA_BYTE, bytes - 1, (byte) 77);
            for (long at = 0; at < bytes; at += 4096) {
                assertEquals((byte) (at >>> 12), buffer.get(ValueLayout.JAVA_BYTE, at));
            }
            assertEquals(77, buffer.get(ValueLayout.JAVA_BYTE, bytes - 1));
        }
    }
}
