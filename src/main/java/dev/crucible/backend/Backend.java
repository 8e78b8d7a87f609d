package dev.crucible.backend;

import dev.crucible.io.DType;

import java.lang.foreign.MemorySegment;

/**
 * The device seam: buffers, transfers and the closed set of merge primitives that every engine
 * (CPU reference, vectorised CPU, OpenCL, CUDA) implements with bit-identical results.
 *
 * <p>Tensors live on the device as binary32. {@link #load} widens a stored tensor exactly
 * (numerics-and-gpu.md §2.1) and {@link #store} rounds once, RNE, with canonical NaNs (§2.2, §2.3).
 * Coefficients arrive already rounded to binary32 by the host ({@code fl32}, merge-methods.md §2.8 N4).
 */
public interface Backend extends AutoCloseable {

    /** Short name shown to users, e.g. {@code cpu-reference}. */
    String name();

    /** Widens {@code numel} elements of {@code dtype} (F16, BF16, F32 or F64) stored in {@code bytes}. */
    DeviceTensor load(DType dtype, MemorySegment bytes, long numel);

    /** Rounds {@code t} to {@code dtype} (F16, BF16 or F32) into {@code dst}, which holds exactly its bytes. */
    void store(DeviceTensor t, DType dtype, MemorySegment dst);

    /**
     * Primitive "weighted sum": {@code r = c[0]·x[0] + c[1]·x[1] + …}, binary32, one rounding per
     * operation, evaluated left to right starting from the first product (never from zero).
     */
    DeviceTensor weightedSum(DeviceTensor[] xs, float[] coefficients);

    @Override
    void close();
}
