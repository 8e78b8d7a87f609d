package dev.crucible.backend;

import dev.crucible.io.DType;

import java.lang.foreign.MemorySegment;

/**
 * A tensor as kernels see it: {@code numel} elements of {@code dtype} (F16, BF16, F32 or F64) in {@code bytes},
 * little-endian, possibly unaligned. Inputs are slices of the memory-mapped input files; outputs are the buffers
 * the executor streams to disk. Kernels widen on read and round once, RNE, on write (numerics-and-gpu.md §2).
 */
public record Operand(DType dtype, MemorySegment bytes, long numel) {
    public Operand {
        if (!dtype.mergeable()) {
            throw new IllegalArgumentException("kernels read and write floating-point tensors, not " + dtype);
        }
        if (bytes.byteSize() < dtype.byteSize(numel)) {
            throw new IllegalArgumentException("segment of " + bytes.byteSize() + " bytes holds less than "
                    + numel + " " + dtype + " elements");
        }
    }
}
