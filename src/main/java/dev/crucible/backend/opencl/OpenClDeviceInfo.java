package dev.crucible.backend.opencl;

import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * One OpenCL device as {@link OpenClProbe} found it. {@code index} is its position among all devices of all
 * platforms, the {@code N} of {@code --device opencl:N}; {@code problem} says why Crucible cannot run on it, or is
 * null when it can.
 */
public record OpenClDeviceInfo(int index, String platform, String name, Kind kind, long memory, long maxAllocation,
                               String problem, cl_platform_id platformId, cl_device_id id) {
    /** What {@code --device auto} cares about: a GPU is worth using, a CPU device only when asked for. */
    public enum Kind {
        GPU, CPU, OTHER
    }

    public boolean usable() {
        return problem == null;
    }

    /** {@code opencl:N}. */
    public String spec() {
        return "opencl:" + index;
    }
}
