package dev.crucible.method;

import dev.crucible.CrucibleException;
import dev.crucible.Warnings;
import dev.crucible.backend.Backend;
import dev.crucible.backend.DeviceTensor;
import dev.crucible.io.DType;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Everything a method sees while merging one output tensor: its inputs (loaded onto the backend on first use),
 * their resolved per-model parameters, the resolved global parameters, and where to report warnings.
 * Closing the context frees every input it loaded.
 */
public final class MergeContext implements AutoCloseable {
    private final String tensorName;
    private final Backend backend;
    private final List<Input> inputs;
    private final Input base;
    private final Map<String, Double> global;
    private final Warnings warnings;
    private final List<DeviceTensor> loaded = new ArrayList<>();

    /**
     * One source tensor.
     *
     * @param model  the model reference as written in the config
     * @param tensor the tensor's name in that model
     * @param dtype  its stored dtype
     * @param bytes  its stored bytes (a slice of the mapped input file)
     * @param numel  element count
     * @param params resolved per-model parameters (absent keys had no value at any level)
     */
    public record Input(String model, String tensor, boolean isBase, DType dtype, MemorySegment bytes, long numel,
                        Map<String, Double> params) {
        public OptionalDouble param(String name) {
            Double v = params.get(name);
            return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
        }
    }

    public MergeContext(String tensorName, Backend backend, List<Input> inputs, Input base,
                        Map<String, Double> global, Warnings warnings) {
        this.tensorName = tensorName;
        this.backend = backend;
        this.inputs = List.copyOf(inputs);
        this.base = base;
        this.global = Map.copyOf(global);
        this.warnings = warnings;
    }

    public String tensorName() {
        return tensorName;
    }

    public Backend backend() {
        return backend;
    }

    /** Inputs in config order; for methods with a separate base the base is not among them. */
    public List<Input> inputs() {
        return inputs;
    }

    /** The separate base input, or {@code null} for methods without one. */
    public Input base() {
        return base;
    }

    /** A resolved global parameter; the planner guarantees declared parameters with defaults are present. */
    public double global(String name) {
        Double v = global.get(name);
        if (v == null) {
            throw new IllegalStateException("global parameter " + name + " was not resolved for " + tensorName);
        }
        return v;
    }

    public boolean flag(String name) {
        return global(name) != 0.0;
    }

    public Warnings warnings() {
        return warnings;
    }

    /** Loads {@code input} onto the backend as binary32; the context frees it when closed. */
    public DeviceTensor load(Input input) {
        DeviceTensor t = backend.load(input.dtype(), input.bytes(), input.numel());
        loaded.add(t);
        return t;
    }

    /** A user-facing error about this tensor. */
    public CrucibleException error(String problem) {
        return new CrucibleException(tensorName + ": " + problem);
    }

    @Override
    public void close() {
        for (DeviceTensor t : loaded) {
            t.close();
        }
        loaded.clear();
    }
}
