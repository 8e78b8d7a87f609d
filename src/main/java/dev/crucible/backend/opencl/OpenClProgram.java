package dev.crucible.backend.opencl;

import dev.crucible.CrucibleException;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_program;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A context on one device with {@code kernels/opencl/crucible.cl} built in it, made once per device and process and
 * shared by every {@link OpenClDevice} on that device, so a second engine on the same device does not compile the
 * program again. A {@code cl_program} belongs to its context, so the context is what is kept; each
 * {@link OpenClDevice} adds its own queue, kernels and buffers and releases those. Program binaries would also carry
 * a build across contexts, but asking PoCL for them compiles every kernel up front (10 s on a cold PoCL cache)
 * instead of the few a merge launches.
 *
 * <p>The build options name the language version and, where the device offers it
 * ({@code CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT}), ask for correctly rounded binary32 division, which the kernels then
 * use ({@code CRUCIBLE_EXACT_DIVISION}); elsewhere they divide in binary64 and round once. The binary64 route alone
 * is not enough on every driver: NVIDIA's OpenCL compiler turns {@code (float)((double) a / (double) b)} into an
 * approximate binary32 division (measured on an H100: quotients one ulp off). Every option that relaxes IEEE
 * arithmetic ({@code -cl-fast-relaxed-math}, {@code -cl-denorms-are-zero}, {@code -cl-mad-enable},
 * {@code -cl-unsafe-math-optimizations}) would break bit parity with the CPU engine (numerics-and-gpu.md §3).
 */
record OpenClProgram(cl_context context, cl_program program) {
    static final String SOURCE = "kernels/opencl/crucible.cl";
    static final String OPTIONS = "-cl-std=CL1.2";
    static final String EXACT_DIVISION = " -cl-fp32-correctly-rounded-divide-sqrt -DCRUCIBLE_EXACT_DIVISION";

    private static final Logger LOG = LoggerFactory.getLogger(OpenClProgram.class);
    private static final Map<Long, OpenClProgram> BUILT = new HashMap<>();

    /**
     * The shared context and program of {@code device}, built on the first call.
     *
     * @throws CrucibleException if the program does not build; the message carries the build log
     */
    static synchronized OpenClProgram of(OpenClDeviceInfo device) {
        OpenClProgram built = BUILT.get(device.id().getNativePointer());
        if (built == null) {
            built = JvmSignals.kept(() -> build(device));
            BUILT.put(device.id().getNativePointer(), built);
        }
        return built;
    }

    private static OpenClProgram build(OpenClDeviceInfo device) {
        String source = KernelSource.load(SOURCE);
        cl_context_properties properties = new cl_context_properties();
        properties.addProperty(CL.CL_CONTEXT_PLATFORM, device.platformId());
        cl_device_id[] ids = {device.id()};
        cl_context context = CL.clCreateContext(properties, 1, ids, null, null, null);
        cl_program program = null;
        String options = OPTIONS + (correctlyRoundedDivision(device.id()) ? EXACT_DIVISION : "");
        try {
            long start = System.nanoTime();
            program = CL.clCreateProgramWithSource(context, 1, new String[] {source}, null, null);
            CL.clBuildProgram(program, 1, ids, options, null, null);
            LOG.debug("{}: built {} in {} ms", device.spec(), SOURCE, (System.nanoTime() - start) / 1_000_000);
            return new OpenClProgram(context, program);
        } catch (CLException e) {
            String log = program == null ? "" : buildLog(program, device.id());
            if (program != null) {
                CL.clReleaseProgram(program);
            }
            CL.clReleaseContext(context);
            throw new CrucibleException(device.spec() + " " + device.name() + ": building " + SOURCE + " with "
                    + options + " failed (" + e.getMessage() + "); build log:\n" + log, e);
        }
    }

    private static boolean correctlyRoundedDivision(cl_device_id device) {
        long[] config = new long[1];
        CL.clGetDeviceInfo(device, CL.CL_DEVICE_SINGLE_FP_CONFIG, Sizeof.cl_long, Pointer.to(config), null);
        return (config[0] & CL.CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0;
    }

    private static String buildLog(cl_program program, cl_device_id device) {
        long[] size = new long[1];
        CL.clGetProgramBuildInfo(program, device, CL.CL_PROGRAM_BUILD_LOG, 0, null, size);
        byte[] log = new byte[Math.toIntExact(size[0])];
        CL.clGetProgramBuildInfo(program, device, CL.CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
        int end = log.length;
        while (end > 0 && (log[end - 1] == 0 || log[end - 1] == '\n')) {
            end--;
        }
        return new String(log, 0, end, StandardCharsets.UTF_8);
    }
}
