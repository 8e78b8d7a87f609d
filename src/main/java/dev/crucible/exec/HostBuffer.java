package dev.crucible.exec;

import dev.crucible.io.CLibrary;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Native memory for output buffers, from the C library: unlike {@link Arena#allocate}, which zeroes what it hands
 * out, it leaves large blocks as fresh pages that the engine's threads fault in as they first write them. The merge
 * overwrites every byte it hands on, so zeroing two buffers of the largest tensor (260 MB for a 1 GB model) was a
 * serial pause before the first tensor, 0.1 to 0.2 s on the development machine.
 *
 * <p>Blocks of {@link #HUGE_MIN} or more are whole 2 MiB pages, aligned and advised {@code MADV_HUGEPAGE} on Linux:
 * where transparent huge pages are on "madvise" (the common default), such a buffer faults in 512 times fewer pages,
 * and its writes and the writer's reads miss the TLB less. Faults are dear in a virtual machine: on the development
 * VM, 1 GB models, best of 4 in three alternating rounds, linear went from 0.86–1.04 s to 0.67–0.79 s and ties from
 * 1.89–2.42 s to 1.74–1.91 s. Elsewhere the advice is ignored and the block is ordinary memory. Smaller blocks stay
 * as asked, since a huge page is resident in full once touched.
 */
final class HostBuffer {
    private static final long HUGE_PAGE = 1L << 21;
    /** The smallest block given huge pages: rounding it up to whole ones costs at most 3%. */
    static final long HUGE_MIN = 64L << 20;
    private static final int MADV_HUGEPAGE = 14;
    private static final Optional<MethodHandle> ALIGNED_ALLOC = CLibrary.function("aligned_alloc",
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
    private static final MethodHandle MALLOC = CLibrary.function("malloc",
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG)).orElseThrow();
    private static final MethodHandle FREE = CLibrary.function("free",
            FunctionDescriptor.ofVoid(ValueLayout.ADDRESS)).orElseThrow();

    private HostBuffer() {
    }

    /** The memory a buffer of {@code bytes} takes: whole huge pages from {@link #HUGE_MIN} on. */
    static long footprint(long bytes) {
        return bytes >= HUGE_MIN ? Math.ceilDiv(bytes, HUGE_PAGE) * HUGE_PAGE : bytes;
    }

    /** {@code bytes} of uninitialized memory, at least its {@link #footprint}, freed when {@code arena} closes. */
    static MemorySegment allocate(Arena arena, long bytes) {
        boolean huge = bytes >= HUGE_MIN && ALIGNED_ALLOC.isPresent();
        long pages = footprint(bytes);
        MemorySegment block;
        try {
            block = huge
                    ? (MemorySegment) ALIGNED_ALLOC.get().invokeExact(HUGE_PAGE, pages)
                    : (MemorySegment) MALLOC.invokeExact(bytes);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        if (block.equals(MemorySegment.NULL)) {
            throw new OutOfMemoryError("allocating " + bytes + " bytes of output buffer failed");
        }
        if (huge) {
            CLibrary.madvise(block, pages, MADV_HUGEPAGE);
        }
        return block.reinterpret(bytes, arena, HostBuffer::free);
    }

    private static void free(MemorySegment block) {
        try {
            FREE.invokeExact(block);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
