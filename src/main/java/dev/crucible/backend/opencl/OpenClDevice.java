package dev.crucible.backend.opencl;

import dev.crucible.CrucibleException;
import dev.crucible.backend.device.Device;
import dev.crucible.exec.Sizes;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_buffer_region;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@link Device} on one OpenCL device: the device's shared context and program ({@link OpenClProgram}, built from
 * {@code kernels/opencl/crucible.cl}), one in-order command queue, and kernels created once by name. Copies are
 * blocking, so the caller may reuse or unmap a host segment as soon as a copy returns. Methods are synchronized:
 * setting a kernel's arguments and enqueueing it must not interleave with another thread's launch.
 */
public final class OpenClDevice implements Device {
    /** The largest host range handed to one JOCL copy: a {@code ByteBuffer} view holds at most 2 GiB. */
    private static final long PIECE = 1L << 30;
    /** Staging size for heap segments, which JOCL cannot address directly. */
    private static final long STAGE = 64L << 20;

    private final OpenClDeviceInfo info;
    private final cl_context context;
    private final cl_program program;
    private final cl_command_queue queue;
    private final Map<String, Kernel> kernels = new HashMap<>();
    private final Set<ClBuffer> buffers = new LinkedHashSet<>();
    private final Arena arena = Arena.ofShared();
    private MemorySegment staging;
    private boolean closed;

    private record Kernel(cl_kernel handle, int arity) {
    }

    /**
     * Opens {@code info}'s device.
     *
     * @throws CrucibleException if the device is unusable or the program does not build (with the build log)
     */
    public OpenClDevice(OpenClDeviceInfo info) {
        if (!info.usable()) {
            throw new CrucibleException(info.spec() + " " + info.name() + " cannot run Crucible: " + info.problem());
        }
        this.info = info;
        OpenClProgram shared = OpenClProgram.of(info);
        context = shared.context();
        program = shared.program();
        queue = createQueue();
    }

    @SuppressWarnings("deprecation") // clCreateCommandQueueWithProperties is OpenCL 2.0; 1.2 devices lack it
    private cl_command_queue createQueue() {
        return CL.clCreateCommandQueue(context, info.id(), 0, null);
    }

    @Override
    public String name() {
        return info.spec() + " " + info.name() + " (" + info.platform() + ")";
    }

    @Override
    public long maxAllocation() {
        return info.maxAllocation();
    }

    @Override
    public long memory() {
        return info.memory();
    }

    @Override
    public synchronized Buffer allocate(long bytes) {
        checkOpen();
        if (bytes < 1) {
            throw new IllegalArgumentException("buffer size must be at least 1 byte: " + bytes);
        }
        if (bytes > info.maxAllocation()) {
            throw new IllegalArgumentException(info.spec() + ": a buffer of " + Sizes.human(bytes)
                    + " exceeds the device's largest allocation, " + Sizes.human(info.maxAllocation()));
        }
        cl_mem mem;
        try {
            mem = CL.clCreateBuffer(context, CL.CL_MEM_READ_WRITE, bytes, null, null);
        } catch (CLException e) {
            throw new CrucibleException(info.spec() + ": cannot allocate " + Sizes.human(bytes)
                    + " of device memory (" + e.getMessage() + ")", e);
        }
        ClBuffer buffer = new ClBuffer(mem, bytes, null, 0);
        buffers.add(buffer);
        return buffer;
    }

    @Override
    public synchronized Buffer slice(Buffer buffer, long offset, long bytes) {
        ClBuffer b = own(buffer);
        Objects.checkFromIndexSize(offset, bytes, b.bytes);
        if (bytes < 1) {
            throw new IllegalArgumentException("a view must have at least 1 byte: " + bytes);
        }
        // OpenCL has no sub-buffers of sub-buffers: a view of a view is a view of the root buffer.
        ClBuffer root = b.root == null ? b : b.root;
        long origin = b.origin + offset;
        cl_mem mem = CL.clCreateSubBuffer(root.mem, CL.CL_MEM_READ_WRITE, CL.CL_BUFFER_CREATE_TYPE_REGION,
                new cl_buffer_region(origin, bytes), null);
        ClBuffer view = new ClBuffer(mem, bytes, root, origin);
        buffers.add(view);
        return view;
    }

    @Override
    public synchronized void upload(MemorySegment src, Buffer dst, long offset) {
        ClBuffer buffer = own(dst);
        Objects.checkFromIndexSize(offset, src.byteSize(), buffer.bytes);
        long step = src.isNative() ? PIECE : STAGE;
        for (long pos = 0; pos < src.byteSize(); pos += step) {
            long n = Math.min(step, src.byteSize() - pos);
            MemorySegment piece = src.asSlice(pos, n);
            if (!src.isNative()) {
                MemorySegment.copy(piece, 0, staging(), 0, n);
                piece = staging.asSlice(0, n);
            }
            CL.clEnqueueWriteBuffer(queue, buffer.mem, true, offset + pos, n, Pointer.to(piece.asByteBuffer()), 0,
                    null, null);
        }
    }

    @Override
    public synchronized void download(Buffer src, long offset, MemorySegment dst) {
        ClBuffer buffer = own(src);
        Objects.checkFromIndexSize(offset, dst.byteSize(), buffer.bytes);
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("download into a read-only segment");
        }
        long step = dst.isNative() ? PIECE : STAGE;
        for (long pos = 0; pos < dst.byteSize(); pos += step) {
            long n = Math.min(step, dst.byteSize() - pos);
            MemorySegment piece = dst.isNative() ? dst.asSlice(pos, n) : staging().asSlice(0, n);
            CL.clEnqueueReadBuffer(queue, buffer.mem, true, offset + pos, n, Pointer.to(piece.asByteBuffer()), 0,
                    null, null);
            if (!dst.isNative()) {
                MemorySegment.copy(piece, 0, dst, pos, n);
            }
        }
    }

    @Override
    public synchronized void launch(String kernel, long groups, Object... args) {
        checkOpen();
        if (groups < 0 || groups > Long.MAX_VALUE / GROUP) {
            throw new IllegalArgumentException("kernel " + kernel + ": bad group count " + groups);
        }
        Kernel k = kernel(kernel);
        if (args.length != k.arity) {
            throw new IllegalArgumentException("kernel " + kernel + " takes " + k.arity + " arguments, got "
                    + args.length);
        }
        for (int i = 0; i < args.length; i++) {
            setArgument(kernel, k.handle, i, args[i]);
        }
        if (groups == 0) {
            return; // OpenCL 1.2 rejects an empty range; there is nothing to do
        }
        CL.clEnqueueNDRangeKernel(queue, k.handle, 1, null, new long[] {groups * GROUP}, new long[] {GROUP}, 0,
                null, null);
    }

    private Kernel kernel(String name) {
        Kernel k = kernels.get(name);
        if (k == null) {
            cl_kernel handle;
            try {
                handle = CL.clCreateKernel(program, name, null);
            } catch (CLException e) {
                throw new IllegalArgumentException("no kernel " + name + " in " + OpenClProgram.SOURCE + " ("
                        + e.getMessage() + ")", e);
            }
            int[] arity = new int[1];
            CL.clGetKernelInfo(handle, CL.CL_KERNEL_NUM_ARGS, Sizeof.cl_uint, Pointer.to(arity), null);
            k = new Kernel(handle, arity[0]);
            kernels.put(name, k);
        }
        return k;
    }

    private void setArgument(String kernel, cl_kernel handle, int index, Object arg) {
        try {
            switch (arg) {
                case ClBuffer b -> CL.clSetKernelArg(handle, index, Sizeof.cl_mem, Pointer.to(own(b).mem));
                case Integer v -> CL.clSetKernelArg(handle, index, Sizeof.cl_int, Pointer.to(new int[] {v}));
                case Long v -> CL.clSetKernelArg(handle, index, Sizeof.cl_long, Pointer.to(new long[] {v}));
                case Float v -> CL.clSetKernelArg(handle, index, Sizeof.cl_float, Pointer.to(new float[] {v}));
                case Double v -> CL.clSetKernelArg(handle, index, Sizeof.cl_double, Pointer.to(new double[] {v}));
                case null, default -> throw new IllegalArgumentException("kernel " + kernel + " argument " + index
                        + ": unsupported type " + (arg == null ? "null" : arg.getClass().getName()));
            }
        } catch (CLException e) {
            throw new IllegalArgumentException("kernel " + kernel + " argument " + index + " ("
                    + arg.getClass().getSimpleName() + "): " + e.getMessage(), e);
        }
    }

    private MemorySegment staging() {
        if (staging == null) {
            staging = arena.allocate(STAGE, 64);
        }
        return staging;
    }

    private ClBuffer own(Buffer buffer) {
        checkOpen();
        if (!(buffer instanceof ClBuffer b) || !buffers.contains(b)) {
            throw new IllegalArgumentException("buffer " + buffer + " is not a live buffer of " + info.spec());
        }
        return b;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(info.spec() + " is closed");
        }
    }

    /** Releases the buffers, kernels and queue; the device's context and program stay for the next engine on it. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            CL.clFinish(queue);
        } finally {
            buffers.forEach(b -> CL.clReleaseMemObject(b.mem));
            buffers.clear();
            kernels.values().forEach(k -> CL.clReleaseKernel(k.handle));
            kernels.clear();
            CL.clReleaseCommandQueue(queue);
            arena.close();
        }
    }

    /**
     * A {@code cl_mem}, or a sub-buffer of {@code root} from byte {@code origin}; closing it releases it (OpenCL
     * keeps it until the queued commands using it are done).
     */
    private final class ClBuffer implements Buffer {
        private final cl_mem mem;
        private final long bytes;
        private final ClBuffer root;
        private final long origin;

        private ClBuffer(cl_mem mem, long bytes, ClBuffer root, long origin) {
            this.mem = mem;
            this.bytes = bytes;
            this.root = root;
            this.origin = origin;
        }

        @Override
        public long bytes() {
            return bytes;
        }

        @Override
        public void close() {
            synchronized (OpenClDevice.this) {
                if (buffers.remove(this)) {
                    CL.clReleaseMemObject(mem);
                }
            }
        }

        @Override
        public String toString() {
            return info.spec() + " buffer of " + bytes + " bytes";
        }
    }
}
