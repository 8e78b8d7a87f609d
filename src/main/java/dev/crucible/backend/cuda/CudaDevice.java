package dev.crucible.backend.cuda;

import dev.crucible.CrucibleException;
import dev.crucible.backend.device.Device;
import dev.crucible.exec.Sizes;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@link Device} on one CUDA GPU through the driver API: the device's primary context, one stream that carries every
 * copy and launch in order, and the module of {@link CudaModuleImage} (a cubin for the GPU's architecture, else PTX)
 * with its functions looked up once by name. Copies go through pinned staging buffers ({@link CudaStaging}).
 *
 * <p>A CUDA context is current per thread, so every entry point makes it current first; methods are synchronized so
 * the stream sees one caller's operations in the order they were made. Only GPUs that {@link CudaProbe} found are
 * opened, so JCuda is never touched on a machine without a driver.
 */
public final class CudaDevice implements Device {
    private static final Logger LOG = LoggerFactory.getLogger(CudaDevice.class);

    private final CudaProbe.Gpu gpu;
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUstream stream = new CUstream();
    private final CUmodule module = new CUmodule();
    private final CudaModuleImage image;
    private final CudaStaging staging;
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final Set<CudaBuffer> buffers = new LinkedHashSet<>();
    private boolean closed;

    /**
     * Opens {@code gpu}.
     *
     * @throws CrucibleException if the driver cannot load the module (e.g. PTX newer than the driver)
     */
    public CudaDevice(CudaProbe.Gpu gpu) {
        this.gpu = gpu;
        image = CudaModuleImage.forCapability(gpu.major(), gpu.minor());
        List<Runnable> undo = new ArrayList<>();
        try {
            JCudaDriver.cuDeviceGet(device, gpu.ordinal());
            JCudaDriver.cuDevicePrimaryCtxRetain(context, device);
            undo.add(() -> JCudaDriver.cuDevicePrimaryCtxRelease(device));
            JCudaDriver.cuCtxSetCurrent(context);
            JCudaDriver.cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING);
            undo.add(() -> JCudaDriver.cuStreamDestroy(stream));
            loadModule();
            undo.add(() -> JCudaDriver.cuModuleUnload(module));
            staging = new CudaStaging(stream);
        } catch (RuntimeException e) {
            undo.reversed().forEach(Runnable::run);
            throw e;
        }
        LOG.info("{}: {} with compute capability {}.{}, module {}", gpu.spec(), gpu.name(), gpu.major(),
                gpu.minor(), image.resource());
    }

    private void loadModule() {
        try {
            JCudaDriver.cuModuleLoadData(module, image.image());
        } catch (CudaException e) {
            throw new CrucibleException(gpu.spec() + ": the driver (CUDA " + CudaProbe.probe().driverVersionText()
                    + ") cannot load " + image.resource() + " (" + e.getMessage() + ")"
                    + (image.cubin() ? "" : "; this build has no cubin for sm_" + gpu.major() + gpu.minor()
                    + " and its PTX may need a newer driver"), e);
        }
    }

    @Override
    public String name() {
        return gpu.spec() + " " + gpu.name() + " (" + image.kind() + ")";
    }

    /** CUDA has no per-allocation limit below the device's memory. */
    @Override
    public long maxAllocation() {
        return gpu.memory();
    }

    @Override
    public long memory() {
        return gpu.memory();
    }

    @Override
    public synchronized Buffer allocate(long bytes) {
        enter();
        if (bytes < 1) {
            throw new IllegalArgumentException("buffer size must be at least 1 byte: " + bytes);
        }
        if (bytes > gpu.memory()) {
            throw new IllegalArgumentException(gpu.spec() + ": a buffer of " + Sizes.human(bytes)
                    + " exceeds the device's memory, " + Sizes.human(gpu.memory()));
        }
        CUdeviceptr ptr = new CUdeviceptr();
        try {
            JCudaDriver.cuMemAlloc(ptr, bytes);
        } catch (CudaException e) {
            long[] free = new long[1];
            long[] total = new long[1];
            JCudaDriver.cuMemGetInfo(free, total);
            throw new CrucibleException(gpu.spec() + ": cannot allocate " + Sizes.human(bytes) + " of device memory, "
                    + Sizes.human(free[0]) + " of " + Sizes.human(total[0]) + " free (" + e.getMessage() + ")", e);
        }
        CudaBuffer buffer = new CudaBuffer(ptr, bytes, null);
        buffers.add(buffer);
        return buffer;
    }

    @Override
    public synchronized Buffer slice(Buffer buffer, long offset, long bytes) {
        CudaBuffer b = own(buffer);
        Objects.checkFromIndexSize(offset, bytes, b.bytes);
        if (bytes < 1) {
            throw new IllegalArgumentException("a view must have at least 1 byte: " + bytes);
        }
        CudaBuffer view = new CudaBuffer(b.ptr.withByteOffset(offset), bytes, b.root == null ? b : b.root);
        buffers.add(view);
        return view;
    }

    @Override
    public synchronized void upload(MemorySegment src, Buffer dst, long offset) {
        CudaBuffer b = own(dst);
        Objects.checkFromIndexSize(offset, src.byteSize(), b.bytes);
        staging.upload(src, b.ptr, offset);
    }

    @Override
    public synchronized void download(Buffer src, long offset, MemorySegment dst) {
        CudaBuffer b = own(src);
        Objects.checkFromIndexSize(offset, dst.byteSize(), b.bytes);
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("download into a read-only segment");
        }
        staging.download(b.ptr, offset, dst);
    }

    @Override
    public synchronized void launch(String kernel, long groups, Object... args) {
        enter();
        CUfunction f = function(kernel);
        Pointer[] params = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) {
            params[i] = switch (args[i]) {
                case CudaBuffer b -> Pointer.to(own(b).ptr);
                case Integer v -> Pointer.to(new int[] {v});
                case Long v -> Pointer.to(new long[] {v});
                case Float v -> Pointer.to(new float[] {v});
                case Double v -> Pointer.to(new double[] {v});
                case null, default -> throw new IllegalArgumentException("kernel " + kernel + " argument " + i
                        + ": unsupported type " + (args[i] == null ? "null" : args[i].getClass().getName()));
            };
        }
        if (groups < 0 || groups > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("kernel " + kernel + ": bad group count " + groups
                    + " (a CUDA grid has at most 2^31-1 blocks)");
        }
        if (groups == 0) {
            return; // an empty grid is an error for the driver and nothing to do
        }
        JCudaDriver.cuLaunchKernel(f, (int) groups, 1, 1, GROUP, 1, 1, 0, stream, Pointer.to(params), null);
    }

    private CUfunction function(String name) {
        CUfunction f = functions.get(name);
        if (f == null) {
            f = new CUfunction();
            try {
                JCudaDriver.cuModuleGetFunction(f, module, name);
            } catch (CudaException e) {
                throw new IllegalArgumentException("no kernel " + name + " in " + image.resource() + " ("
                        + e.getMessage() + ")", e);
            }
            functions.put(name, f);
        }
        return f;
    }

    private CudaBuffer own(Buffer buffer) {
        enter();
        if (!(buffer instanceof CudaBuffer b) || !buffers.contains(b) || b.root != null && !buffers.contains(b.root)) {
            throw new IllegalArgumentException("buffer " + buffer + " is not a live buffer of " + gpu.spec());
        }
        return b;
    }

    /** Checks the device is open and makes its context current on this thread. */
    private void enter() {
        if (closed) {
            throw new IllegalStateException(gpu.spec() + " is closed");
        }
        JCudaDriver.cuCtxSetCurrent(context);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        enter();
        closed = true;
        try {
            JCudaDriver.cuStreamSynchronize(stream);
        } finally {
            for (CudaBuffer b : buffers) {
                if (b.root == null) {
                    JCudaDriver.cuMemFree(b.ptr);
                }
            }
            buffers.clear();
            functions.clear();
            staging.close();
            JCudaDriver.cuModuleUnload(module);
            JCudaDriver.cuStreamDestroy(stream);
            JCudaDriver.cuDevicePrimaryCtxRelease(device);
        }
    }

    /** Device memory, or a view of {@code root} (which owns the memory; closing a view frees nothing). */
    private final class CudaBuffer implements Buffer {
        private final CUdeviceptr ptr;
        private final long bytes;
        private final CudaBuffer root;

        private CudaBuffer(CUdeviceptr ptr, long bytes, CudaBuffer root) {
            this.ptr = ptr;
            this.bytes = bytes;
            this.root = root;
        }

        @Override
        public long bytes() {
            return bytes;
        }

        @Override
        public void close() {
            synchronized (CudaDevice.this) {
                if (buffers.remove(this) && root == null) {
                    enter();
                    // cuMemFree is not ordered with the (non-blocking) stream, whose queued work may still use it.
                    JCudaDriver.cuStreamSynchronize(stream);
                    JCudaDriver.cuMemFree(ptr);
                }
            }
        }

        @Override
        public String toString() {
            return gpu.spec() + " buffer of " + bytes + " bytes";
        }
    }
}
