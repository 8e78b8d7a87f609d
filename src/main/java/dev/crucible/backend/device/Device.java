package dev.crucible.backend.device;

import java.lang.foreign.MemorySegment;

/**
 * One accelerator as {@link DeviceBackend} drives it: device buffers, copies and kernel launches, all in order on one
 * queue (a CUDA stream, an OpenCL in-order command queue). The kernels are those of {@code kernels/} (CUDA: compiled
 * into {@code native/}; OpenCL: built from the {@code .cl} sources at start), launched by name with one-dimensional
 * grids of {@link #GROUP} work-items per group.
 */
public interface Device extends AutoCloseable {
    /** Work-items per group of every launch; the kernels' local arrays and reduction trees assume it. */
    int GROUP = 256;

    /** What users see, e.g. {@code cuda:0 NVIDIA H100 80GB HBM3}. */
    String name();

    /** The largest single buffer the device accepts, in bytes (2 GiB on PoCL). */
    long maxAllocation();

    /** Global memory in bytes. */
    long memory();

    /** A buffer of {@code bytes} (at least 1) with undefined contents. */
    Buffer allocate(long bytes);

    /**
     * A view of {@code bytes} bytes of {@code buffer} from byte {@code offset}, usable wherever a buffer is (kernel
     * arguments, copies). {@code offset} is a multiple of 65,536, which every device's base-address alignment
     * divides (OpenCL sub-buffers need it). Closing the view releases only the view.
     */
    Buffer slice(Buffer buffer, long offset, long bytes);

    /**
     * Copies {@code src} (any host segment, read-only mappings included) to {@code dst} at byte {@code offset},
     * after every operation enqueued before it; {@code src} may be reused or freed once this returns.
     */
    void upload(MemorySegment src, Buffer dst, long offset);

    /** Copies {@code dst.byteSize()} bytes of {@code src} from byte {@code offset}; the data is in {@code dst} on return. */
    void download(Buffer src, long offset, MemorySegment dst);

    /**
     * Enqueues kernel {@code kernel} on {@code groups} groups of {@link #GROUP} items. Arguments in declaration order:
     * {@link Buffer} (a device pointer / {@code __global} pointer), {@link Integer} ({@code int}), {@link Long}
     * (64-bit {@code i64}), {@link Float}, {@link Double}.
     */
    void launch(String kernel, long groups, Object... args);

    /** Frees every buffer and the context. */
    @Override
    void close();

    /** Device memory owned by one {@link Device}. */
    interface Buffer extends AutoCloseable {
        long bytes();

        @Override
        void close();
    }
}
