package dev.crucible.backend;

import dev.crucible.CrucibleException;
import dev.crucible.backend.cpu.CpuBackend;
import dev.crucible.backend.device.Device;
import dev.crucible.backend.device.DeviceBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/** Chooses the engine for {@code --device}: the names users type and what each one opens. */
public final class Backends {
    /** Accepted {@code --device} values. */
    public static final List<String> DEVICES = List.of("auto", "cpu", "cpu-reference", "cuda", "cuda:N", "opencl",
            "opencl:N");

    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

    private Backends() {
    }

    /**
     * Opens the backend for {@code device}. {@code auto} takes the first accelerator of {@link DeviceCatalog#autoOrder}
     * that opens, else the vectorised multi-threaded CPU engine, which {@code cpu} names directly;
     * {@code cpu-reference} is the scalar oracle (slow; for checking results). {@code cuda[:N]} and
     * {@code opencl[:N]} open that accelerator or fail with one line saying why.
     */
    public static Backend open(String device, int threads) {
        return open(device, threads, 0);
    }

    /** As {@link #open(String, int)}, an accelerator holding at most {@code deviceBudget} bytes (0: its default). */
    public static Backend open(String device, int threads, long deviceBudget) {
        return open(device, threads, deviceBudget, 1).getFirst();
    }

    /**
     * As {@link #open(String, int, long)}, with {@code streams} engines on an accelerator: each has its own queue (a
     * CUDA stream, an OpenCL command queue), staging buffers and a {@code 1/streams} share of the device budget, so
     * that one engine's copies run while another's kernels do. A CPU engine is one engine whatever
     * {@code streams}: it already uses every thread.
     */
    public static List<Backend> open(String device, int threads, long deviceBudget, int streams) {
        if (streams < 1) {
            throw new IllegalArgumentException("streams must be at least 1: " + streams);
        }
        return switch (device) {
            case "auto" -> auto(threads, deviceBudget, streams);
            case "cpu" -> List.of(CpuBackend.vector(threads));
            case "cpu-reference" -> List.of(CpuBackend.reference());
            default -> {
                if (!DeviceCatalog.names(device)) {
                    throw new CrucibleException("--device " + device + ": unknown device; use one of "
                            + String.join(", ", DEVICES));
                }
                yield onDevice(device, deviceBudget, streams);
            }
        };
    }

    private static List<Backend> auto(int threads, long deviceBudget, int streams) {
        DeviceCatalog.AutoOrder order = DeviceCatalog.autoOrder();
        for (String candidate : order.candidates()) {
            try {
                List<Backend> engines = onDevice(candidate, deviceBudget, streams);
                LOG.info("--device auto: {}", engines.getFirst().name());
                return engines;
            } catch (CrucibleException e) {
                LOG.warn("--device auto: passing over {}: {}", candidate, e.getMessage());
            }
        }
        LOG.info("--device auto: the CPU vector engine on {} thread(s){}", threads,
                order.passedOver().isEmpty() ? "" : " (" + String.join("; ", order.passedOver()) + ")");
        return List.of(CpuBackend.vector(threads));
    }

    /** {@code streams} engines on {@code device}, sharing its budget; if one fails, those already open are closed. */
    private static List<Backend> onDevice(String device, long budget, int streams) {
        List<Backend> opened = new ArrayList<>();
        try {
            for (int s = 0; s < streams; s++) {
                Device d = DeviceCatalog.open(device);
                try {
                    opened.add(new DeviceBackend(d, budget, streams, 0));
                } catch (RuntimeException e) {
                    d.close();
                    throw e;
                }
            }
        } catch (RuntimeException e) {
            opened.forEach(Backend::close);
            throw e;
        }
        return List.copyOf(opened);
    }
}
