package dev.crucible.backend.cuda;

import jcuda.CudaException;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.JCudaDriver;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the CUDA devices of this machine once per process (numerics-and-gpu.md §9). Without an NVIDIA driver the
 * first touch of {@link JCudaDriver} throws {@link UnsatisfiedLinkError} ({@code libcuda.so.1} missing) and every
 * later touch {@link NoClassDefFoundError}, so the outcome is cached and, after a failure, nothing touches JCuda
 * again: {@link CudaDevice} opens only devices this probe found.
 */
public final class CudaProbe {
    private static Result cached;

    private CudaProbe() {
    }

    /** One CUDA device: its ordinal ({@code cuda:N}), name, compute capability and global memory. */
    public record Gpu(int ordinal, String name, int major, int minor, long memory) {
        /** {@code cuda:N}. */
        public String spec() {
            return "cuda:" + ordinal;
        }

        /** The module {@link CudaDevice} would load for this GPU: {@code sm_90 cubin} or {@code PTX}. */
        public String module() {
            return CudaModuleImage.describe(major, minor);
        }
    }

    /**
     * The driver version ({@code 1000 * major + 10 * minor}, as {@code cuDriverGetVersion} reports it) and the
     * devices, or why CUDA is unavailable.
     */
    public record Result(int driverVersion, List<Gpu> devices, String unavailable) {
        public boolean available() {
            return unavailable == null;
        }

        /** {@code 13.0} for 13000. */
        public String driverVersionText() {
            return driverVersion / 1000 + "." + driverVersion % 1000 / 10;
        }
    }

    /** The probe's outcome, computed on the first call. */
    public static synchronized Result probe() {
        if (cached == null) {
            cached = run();
        }
        return cached;
    }

    private static Result run() {
        try {
            JCudaDriver.setExceptionsEnabled(true);
            JCudaDriver.cuInit(0);
            int[] value = new int[1];
            JCudaDriver.cuDriverGetVersion(value);
            int driver = value[0];
            JCudaDriver.cuDeviceGetCount(value);
            List<Gpu> gpus = new ArrayList<>();
            for (int i = 0; i < value[0]; i++) {
                gpus.add(describe(i));
            }
            return gpus.isEmpty() ? new Result(driver, List.of(), "no CUDA devices")
                    : new Result(driver, List.copyOf(gpus), null);
        } catch (UnsatisfiedLinkError e) {
            return new Result(0, List.of(), e.getMessage() != null && e.getMessage().contains("libcuda")
                    ? "no NVIDIA driver: libcuda.so.1 not found" : "JCuda cannot load: " + firstLine(e.getMessage()));
        } catch (LinkageError e) {
            return new Result(0, List.of(), "JCuda cannot load: " + firstLine(e.getMessage()));
        } catch (CudaException e) {
            return new Result(0, List.of(), "the CUDA driver answers " + firstLine(e.getMessage()));
        }
    }

    private static Gpu describe(int ordinal) {
        CUdevice device = new CUdevice();
        JCudaDriver.cuDeviceGet(device, ordinal);
        byte[] name = new byte[256];
        JCudaDriver.cuDeviceGetName(name, name.length, device);
        int[] major = new int[1];
        int[] minor = new int[1];
        JCudaDriver.cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR,
                device);
        JCudaDriver.cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR,
                device);
        long[] memory = new long[1];
        JCudaDriver.cuDeviceTotalMem(memory, device);
        return new Gpu(ordinal, cString(name), major[0], minor[0], memory[0]);
    }

    private static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    private static String firstLine(String message) {
        return message == null ? "unknown error" : message.strip().lines().findFirst().orElse("unknown error");
    }
}
