package dev.crucible.backend;

import dev.crucible.CrucibleException;
import dev.crucible.backend.cuda.CudaDevice;
import dev.crucible.backend.cuda.CudaProbe;
import dev.crucible.backend.device.Device;
import dev.crucible.backend.opencl.OpenClDevice;
import dev.crucible.backend.opencl.OpenClDeviceInfo;
import dev.crucible.backend.opencl.OpenClProbe;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The accelerators of this machine under the names {@code --device} gives them ({@code cuda}, {@code cuda:N},
 * {@code opencl}, {@code opencl:N}), and the order in which {@code --device auto} tries them: CUDA device 0, then the
 * first usable OpenCL GPU. A CPU OpenCL device (PoCL) is never chosen automatically: the Java vector engine is faster
 * on the same cores. Shared by {@link Backends} and {@code crucible devices}, so both tell the same story.
 */
public final class DeviceCatalog {
    private static final Pattern SPEC = Pattern.compile("(cuda|opencl)(?::(\\d{1,9}))?");

    private DeviceCatalog() {
    }

    /**
     * What {@code --device auto} tries, best first ({@code cuda:0}, {@code opencl:N}); the CPU engine comes after
     * them all. {@code passedOver} says, one line per engine, why it offers nothing.
     */
    public record AutoOrder(List<String> candidates, List<String> passedOver) {
        /** The device {@code auto} takes when the first candidate opens: a candidate, or {@code cpu}. */
        public String first() {
            return candidates.isEmpty() ? "cpu" : candidates.getFirst();
        }
    }

    public static AutoOrder autoOrder() {
        List<String> candidates = new ArrayList<>();
        List<String> passedOver = new ArrayList<>();
        CudaProbe.Result cuda = CudaProbe.probe();
        if (cuda.available()) {
            candidates.add(cuda.devices().getFirst().spec());
        } else {
            passedOver.add("cuda: unavailable (" + cuda.unavailable() + ")");
        }
        OpenClProbe.Result opencl = OpenClProbe.probe();
        Optional<OpenClDeviceInfo> gpu = opencl.devices().stream()
                .filter(d -> d.usable() && d.kind() == OpenClDeviceInfo.Kind.GPU).findFirst();
        if (gpu.isPresent()) {
            candidates.add(gpu.get().spec());
        } else {
            passedOver.add(opencl.available() ? "opencl: no usable GPU" : "opencl: unavailable ("
                    + opencl.unavailable() + ")");
        }
        return new AutoOrder(List.copyOf(candidates), List.copyOf(passedOver));
    }

    /** Whether {@code device} names an accelerator ({@code cuda}, {@code cuda:N}, {@code opencl}, {@code opencl:N}). */
    public static boolean names(String device) {
        return SPEC.matcher(device).matches();
    }

    /**
     * Opens the accelerator {@code device} names.
     *
     * @throws CrucibleException one line, starting {@code --device NAME:}, when it is absent or cannot run Crucible
     */
    public static Device open(String device) {
        Matcher m = SPEC.matcher(device);
        if (!m.matches()) {
            throw new IllegalArgumentException("not an accelerator name: " + device);
        }
        Integer index = m.group(2) == null ? null : Integer.valueOf(m.group(2));
        try {
            return m.group(1).equals("cuda") ? cuda(index == null ? 0 : index) : opencl(index);
        } catch (CrucibleException e) {
            throw new CrucibleException("--device " + device + ": " + e.getMessage(), e);
        }
    }

    private static Device cuda(int ordinal) {
        CudaProbe.Result probe = CudaProbe.probe();
        if (!probe.available()) {
            throw new CrucibleException("cuda: unavailable (" + probe.unavailable() + ")");
        }
        if (ordinal >= probe.devices().size()) {
            throw new CrucibleException("no such CUDA device; this machine has cuda:0 to cuda:"
                    + (probe.devices().size() - 1));
        }
        return new CudaDevice(probe.devices().get(ordinal));
    }

    private static Device opencl(Integer index) {
        OpenClProbe.Result probe = OpenClProbe.probe();
        if (!probe.available()) {
            throw new CrucibleException("opencl: unavailable (" + probe.unavailable() + ")");
        }
        List<OpenClDeviceInfo> devices = probe.devices();
        if (index != null) {
            if (index >= devices.size()) {
                throw new CrucibleException("no such OpenCL device; this machine has opencl:0 to opencl:"
                        + (devices.size() - 1) + " (see crucible devices)");
            }
            return new OpenClDevice(devices.get(index));
        }
        // GPUs first; among devices of one kind, the first found.
        return devices.stream().filter(OpenClDeviceInfo::usable)
                .min(Comparator.comparing(d -> d.kind() != OpenClDeviceInfo.Kind.GPU))
                .map(OpenClDevice::new)
                .orElseThrow(() -> new CrucibleException("no usable OpenCL device: " + String.join("; ",
                        devices.stream().map(d -> d.spec() + " " + d.name() + " " + d.problem()).toList())));
    }
}
