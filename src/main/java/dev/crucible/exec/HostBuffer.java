package dev.crucible.exec;

import dev.crucible.io.CLibrary;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Native memory for output buffers, from the C library's {@code malloc}: unlike {@link Arena#allocate}, which zeroes
 * what it hands out, it leaves large blocks as fresh pages that the engine's threads fault in as they first write
 * them. The merge overwrites every byte it hands on, so zeroing two buffers of the largest tensor (260 MB for a 1 GB
 * model) was a serial pause before the first tensor, 0.1 to 0.2 s on the development machine.
 */
final class HostBuffer {
    private static final MethodHandle MALLOC = CLibrary.function("malloc",
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG)).orElseThrow();
    private static final MethodHandle FREE = CLibrary.function("free",
            FunctionDescriptor.ofVoid(ValueLayout.ADDRESS)).orElseThrow();

    private HostBuffer() {
    }

    /** {@code bytes} of uninitialized memory, freed when {@code arena} closes. */
    static MemorySegment allocate(Arena arena, long bytes) {
        MemorySegment block;
        try {
            block = (MemorySegment) MALLOC.invokeExact(bytes);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        if (block.equals(MemorySegment.NULL)) {
            throw new OutOfMemoryError("malloc of " + bytes + " bytes failed");
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
