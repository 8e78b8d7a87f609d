package dev.crucible.backend;

import dev.crucible.CrucibleException;
import dev.crucible.backend.cpu.CpuBackend;
import dev.crucible.backend.device.Device;
import dev.crucible.backend.device.DeviceBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
        return switch (device) {
            case "auto" -> auto(threads, deviceBudget);
            case "cpu" -> CpuBackend.vector(threads);
            case "cpu-reference" -> CpuBackend.reference();
            default -> {
                if (!DeviceCatalog.names(device)) {
                    throw new CrucibleException("--device " + device + ": unknown device; use one of "
                            + String.join(", ", DEVICES));
                }
                yield onDevice(DeviceCatalog.open(device), deviceBudget);
            }
        };
    }

    private static Backend auto(int threads, long deviceBudget) {
        DeviceCatalog.AutoOrder order = DeviceCatalog.autoOrder();
        for (String candidate : order.candidates()) {
            try {
                Backend backend = onDevice(DeviceCatalog.open(candidate), deviceBudget);
                LOG.info("--device auto: {}", backend.name());
                return backend;
            } catch (CrucibleException e) {
                LOG.warn("--device auto: passing over {}: {}", candidate, e.getMessage());
            }
        }
        LOG.info("--device auto: the CPU vector engine on {} thread(s){}", threads,
                order.passedOver().isEmpty() ? "" : " (" + String.join("; ", order.passedOver()) + ")");
        return CpuBackend.vector(threads);
    }

    private static Backend onDevice(Device device, long budget) {
        try {
            return new DeviceBackend(device, budget, 0);
        } catch (RuntimeException e) {
            device.close();
            throw e;
        }
    }
}
