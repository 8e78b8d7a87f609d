package dev.crucible.backend;

import dev.crucible.CrucibleException;
import dev.crucible.backend.cpu.CpuBackend;

import java.util.List;

/** Chooses the engine for {@code --device}: the names users type and what each one opens. */
public final class Backends {
    /** Accepted {@code --device} values. */
    public static final List<String> DEVICES = List.of("auto", "cpu", "cpu-reference", "opencl", "cuda");

    private Backends() {
    }

    /**
     * Opens the backend for {@code device}. {@code auto} and {@code cpu} give the vectorised multi-threaded CPU
     * engine; {@code cpu-reference} the scalar oracle (slow; for checking results).
     */
    public static Backend open(String device, int threads) {
        return switch (device) {
            case "auto", "cpu" -> CpuBackend.vector(threads);
            case "cpu-reference" -> CpuBackend.reference();
            case "opencl", "cuda" -> throw new CrucibleException("--device " + device + ": the " + device
                    + " engine is not part of this build yet; use --device cpu");
            default -> throw new CrucibleException("--device " + device + ": unknown device; use one of "
                    + String.join(", ", DEVICES));
        };
    }
}
