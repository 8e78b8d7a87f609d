package dev.crucible.backend.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import java.lang.foreign.MemorySegment;

/**
 * Host-device copies through two pinned host buffers on one stream. Asynchronous copies need memory that stays put
 * until the DMA engine has read it: JCuda unpins a Java array as soon as the call returns (numerics-and-gpu.md §9),
 * and a mapped file or heap segment is pageable. So the host copies each piece of at most {@link #SIZE} bytes into
 * a pinned buffer while the other buffer's piece is in flight; an event per buffer says when it may be reused. This
 * works for any segment (heap, native, read-only mappings, beyond 2 GiB) at the cost of one host memcpy, spread over
 * threads ({@link HostCopy}), which overlaps the transfer.
 */
final class CudaStaging implements AutoCloseable {
    static final long SIZE = 64L << 20;

    private final CUstream stream;
    private final Slot[] slots = new Slot[2];
    private int next;

    /** A pinned buffer, its view for {@link MemorySegment#copy}, and the event after its last queued copy. */
    private record Slot(Pointer host, MemorySegment segment, CUevent done) {
    }

    CudaStaging(CUstream stream) {
        this.stream = stream;
        try {
            for (int i = 0; i < slots.length; i++) {
                CUevent done = new CUevent();
                JCudaDriver.cuEventCreate(done, CUevent_flags.CU_EVENT_DISABLE_TIMING);
                Pointer host = new Pointer();
                try {
                    JCudaDriver.cuMemHostAlloc(host, SIZE, 0);
                } catch (RuntimeException e) {
                    JCudaDriver.cuEventDestroy(done);
                    throw e;
                }
                slots[i] = new Slot(host, MemorySegment.ofBuffer(host.getByteBuffer(0, SIZE)), done);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Queues the copy of {@code src} to {@code dst + offset}; {@code src} may change once this returns. */
    void upload(MemorySegment src, CUdeviceptr dst, long offset) {
        for (long pos = 0; pos < src.byteSize(); pos += SIZE) {
            long n = Math.min(SIZE, src.byteSize() - pos);
            Slot s = slots[next];
            next ^= 1;
            JCudaDriver.cuEventSynchronize(s.done);
            HostCopy.copy(src, pos, s.segment, 0, n);
            JCudaDriver.cuMemcpyHtoDAsync(dst.withByteOffset(offset + pos), s.host, n, stream);
            JCudaDriver.cuEventRecord(s.done, stream);
        }
    }

    /** Copies {@code dst.byteSize()} bytes from {@code src + offset} after everything queued; waits for them. */
    void download(CUdeviceptr src, long offset, MemorySegment dst) {
        long pieces = (dst.byteSize() + SIZE - 1) / SIZE;
        if (pieces > 0) {
            enqueueDownload(src, offset, dst, 0);
        }
        for (long k = 0; k < pieces; k++) {
            if (k + 1 < pieces) {
                enqueueDownload(src, offset, dst, k + 1);
            }
            Slot s = slots[(int) (k % 2)];
            JCudaDriver.cuEventSynchronize(s.done);
            HostCopy.copy(s.segment, 0, dst, k * SIZE, Math.min(SIZE, dst.byteSize() - k * SIZE));
        }
    }

    private void enqueueDownload(CUdeviceptr src, long offset, MemorySegment dst, long piece) {
        Slot s = slots[(int) (piece % 2)];
        long n = Math.min(SIZE, dst.byteSize() - piece * SIZE);
        JCudaDriver.cuMemcpyDtoHAsync(s.host, src.withByteOffset(offset + piece * SIZE), n, stream);
        JCudaDriver.cuEventRecord(s.done, stream);
    }

    @Override
    public void close() {
        for (Slot s : slots) {
            if (s != null) {
                JCudaDriver.cuEventDestroy(s.done);
                JCudaDriver.cuMemFreeHost(s.host);
            }
        }
    }
}
