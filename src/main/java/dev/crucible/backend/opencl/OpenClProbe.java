package dev.crucible.backend.opencl;

import dev.crucible.backend.device.Device;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the OpenCL devices of this machine once per process and says which Crucible can use. A machine without an
 * OpenCL library or platform is an ordinary outcome ({@link Result#unavailable()}), never an exception: JOCL
 * {@code dlopen}s {@code libOpenCL.so.1} when its {@code CL} class initialises, so a missing library surfaces as a
 * {@link LinkageError} there, and an ICD loader without vendors answers {@code CL_PLATFORM_NOT_FOUND_KHR}.
 *
 * <p>A device is usable when it can run the kernels bit-exactly (numerics-and-gpu.md §3): binary64
 * ({@code cl_khr_fp64}) for the reductions, subnormal binary32 ({@code CL_FP_DENORM}), OpenCL C 1.2, and work-groups
 * of {@link Device#GROUP} items.
 */
public final class OpenClProbe {
    private static final Pattern C_VERSION = Pattern.compile("OpenCL C (\\d+)\\.(\\d+)");
    private static Result cached;

    private OpenClProbe() {
    }

    /** Every platform's devices, or why there are none. */
    public record Result(List<OpenClDeviceInfo> devices, String unavailable) {
        public boolean available() {
            return unavailable == null;
        }
    }

    /** The probe's outcome, computed on the first call. */
    public static synchronized Result probe() {
        if (cached == null) {
            cached = JvmSignals.kept(OpenClProbe::run);
        }
        return cached;
    }

    private static Result run() {
        try {
            CL.setExceptionsEnabled(true);
            int[] count = new int[1];
            CL.clGetPlatformIDs(0, null, count);
            if (count[0] == 0) {
                return new Result(List.of(), "no OpenCL platform installed");
            }
            cl_platform_id[] platforms = new cl_platform_id[count[0]];
            CL.clGetPlatformIDs(platforms.length, platforms, null);
            List<OpenClDeviceInfo> devices = new ArrayList<>();
            for (cl_platform_id platform : platforms) {
                String platformName = platformString(platform, CL.CL_PLATFORM_NAME);
                for (cl_device_id device : devices(platform)) {
                    devices.add(describe(devices.size(), platformName, platform, device));
                }
            }
            return devices.isEmpty() ? new Result(List.of(), "no OpenCL devices on " + platforms.length
                    + " platform(s)") : new Result(List.copyOf(devices), null);
        } catch (LinkageError e) {
            String message = firstLine(e.getMessage());
            return new Result(List.of(), message.contains("Implementation library could not be loaded")
                    ? "no OpenCL library: libOpenCL.so.1 not found" : "JOCL cannot load: " + message);
        } catch (CLException e) {
            return new Result(List.of(), e.getStatus() == CL.CL_PLATFORM_NOT_FOUND_KHR
                    ? "no OpenCL platform installed: CL_PLATFORM_NOT_FOUND_KHR" : firstLine(e.getMessage()));
        }
    }

    private static List<cl_device_id> devices(cl_platform_id platform) {
        int[] count = new int[1];
        try {
            CL.clGetDeviceIDs(platform, CL.CL_DEVICE_TYPE_ALL, 0, null, count);
        } catch (CLException e) {
            if (e.getStatus() == CL.CL_DEVICE_NOT_FOUND) {
                return List.of();
            }
            throw e;
        }
        cl_device_id[] ids = new cl_device_id[count[0]];
        CL.clGetDeviceIDs(platform, CL.CL_DEVICE_TYPE_ALL, ids.length, ids, null);
        return List.of(ids);
    }

    private static OpenClDeviceInfo describe(int index, String platformName, cl_platform_id platform,
                                             cl_device_id device) {
        long type = deviceLong(device, CL.CL_DEVICE_TYPE);
        OpenClDeviceInfo.Kind kind = (type & CL.CL_DEVICE_TYPE_GPU) != 0 ? OpenClDeviceInfo.Kind.GPU
                : (type & CL.CL_DEVICE_TYPE_CPU) != 0 ? OpenClDeviceInfo.Kind.CPU : OpenClDeviceInfo.Kind.OTHER;
        return new OpenClDeviceInfo(index, platformName, deviceString(device, CL.CL_DEVICE_NAME).strip(), kind,
                deviceLong(device, CL.CL_DEVICE_GLOBAL_MEM_SIZE), deviceLong(device, CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                problem(device), platform, device);
    }

    /** Why the kernels cannot run on {@code device} bit-exactly, or null. */
    private static String problem(cl_device_id device) {
        List<String> missing = new ArrayList<>();
        if (deviceInt(device, CL.CL_DEVICE_AVAILABLE) == 0) {
            missing.add("device not available");
        }
        if (deviceInt(device, CL.CL_DEVICE_COMPILER_AVAILABLE) == 0) {
            missing.add("no OpenCL C compiler");
        }
        Matcher version = C_VERSION.matcher(deviceString(device, CL.CL_DEVICE_OPENCL_C_VERSION));
        if (!version.find() || Integer.parseInt(version.group(1)) * 10 + Integer.parseInt(version.group(2)) < 12) {
            missing.add("needs OpenCL C 1.2");
        }
        if (!List.of(deviceString(device, CL.CL_DEVICE_EXTENSIONS).split("\\s+")).contains("cl_khr_fp64")) {
            missing.add("needs cl_khr_fp64 (binary64)");
        }
        if ((deviceLong(device, CL.CL_DEVICE_SINGLE_FP_CONFIG) & CL.CL_FP_DENORM) == 0) {
            missing.add("needs CL_FP_DENORM (subnormal binary32)");
        }
        long group = deviceLong(device, CL.CL_DEVICE_MAX_WORK_GROUP_SIZE);
        if (group < Device.GROUP) {
            missing.add("needs work-groups of " + Device.GROUP + " (max " + group + ")");
        }
        return missing.isEmpty() ? null : String.join(", ", missing);
    }

    private static String platformString(cl_platform_id platform, int param) {
        long[] size = new long[1];
        CL.clGetPlatformInfo(platform, param, 0, null, size);
        byte[] bytes = new byte[(int) size[0]];
        CL.clGetPlatformInfo(platform, param, bytes.length, Pointer.to(bytes), null);
        return cString(bytes);
    }

    private static String deviceString(cl_device_id device, int param) {
        long[] size = new long[1];
        CL.clGetDeviceInfo(device, param, 0, null, size);
        byte[] bytes = new byte[(int) size[0]];
        CL.clGetDeviceInfo(device, param, bytes.length, Pointer.to(bytes), null);
        return cString(bytes);
    }

    /** A {@code cl_ulong}, {@code size_t} or bitfield parameter (all 64-bit on the platforms JOCL supports). */
    private static long deviceLong(cl_device_id device, int param) {
        long[] value = new long[1];
        CL.clGetDeviceInfo(device, param, Sizeof.cl_long, Pointer.to(value), null);
        return value[0];
    }

    /** A {@code cl_bool} or {@code cl_uint} parameter. */
    private static int deviceInt(cl_device_id device, int param) {
        int[] value = new int[1];
        CL.clGetDeviceInfo(device, param, Sizeof.cl_int, Pointer.to(value), null);
        return value[0];
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
