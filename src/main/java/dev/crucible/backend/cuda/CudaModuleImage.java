package dev.crucible.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The CUDA module for one compute capability, from the classpath: {@code native/cuda/crucible.sm_XY.cubin} when the
 * build compiled one for that architecture (loads without JIT, on any driver that knows the architecture), else
 * {@code native/cuda/crucible.ptx}, which the driver JIT-compiles and which needs a driver at least as new as the
 * nvcc that wrote it (numerics-and-gpu.md §8).
 */
record CudaModuleImage(String resource, byte[] image) {
    static final String PTX = "native/cuda/crucible.ptx";

    static CudaModuleImage forCapability(int major, int minor) {
        return forCapability(major, minor, CudaModuleImage.class.getClassLoader());
    }

    static CudaModuleImage forCapability(int major, int minor, ClassLoader loader) {
        String cubin = "native/cuda/crucible.sm_" + major + minor + ".cubin";
        byte[] bytes = read(cubin, loader);
        if (bytes != null) {
            return new CudaModuleImage(cubin, bytes);
        }
        bytes = read(PTX, loader);
        if (bytes == null) {
            throw new IllegalStateException("neither " + cubin + " nor " + PTX + " is on the classpath; build the"
                    + " CUDA kernels (scripts/build-kernels) before packaging");
        }
        // cuModuleLoadData reads PTX as a NUL-terminated string.
        return new CudaModuleImage(PTX, Arrays.copyOf(bytes, bytes.length + 1));
    }

    /** What {@link #forCapability} would load, without reading it: {@code sm_90 cubin}, {@code PTX} or none. */
    static String describe(int major, int minor) {
        ClassLoader loader = CudaModuleImage.class.getClassLoader();
        String cubin = "native/cuda/crucible.sm_" + major + minor + ".cubin";
        return loader.getResource(cubin) != null ? "sm_" + major + minor + " cubin"
                : loader.getResource(PTX) != null ? "PTX" : "no CUDA module in this build";
    }

    boolean cubin() {
        return !resource.equals(PTX);
    }

    /** {@code sm_90 cubin} or {@code PTX}, for device names and logs. */
    String kind() {
        return cubin() ? resource.substring(resource.indexOf("sm_"), resource.lastIndexOf('.')) + " cubin" : "PTX";
    }

    private static byte[] read(String resource, ClassLoader loader) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
