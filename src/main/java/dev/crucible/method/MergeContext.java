package dev.crucible.method;

import dev.crucible.CrucibleException;
import dev.crucible.Warnings;
import dev.crucible.backend.Backend;
import dev.crucible.backend.Operand;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Everything a method sees while merging one output tensor: the backend, the inputs as stored tensors with their
 * resolved per-model parameters, the resolved global parameters, the output operand to fill, and where to report
 * warnings.
 */
public final class MergeContext {
    private final String tensorName;
    private final long[] shape;
    private final Backend backend;
    private final List<Input> inputs;
    private final Input base;
    private final Map<String, Double> global;
    private final Operand output;
    private final long seed;
    private final Warnings warnings;

    /**
     * One source tensor.
     *
     * @param model       the model reference as written in the config
     * @param sourceIndex the model's position in its slice's source list (keys its random draws)
     * @param tensor      the tensor's name in that model
     * @param data        its stored elements
     * @param params      resolved per-model parameters (absent keys had no value at any level)
     */
    public record Input(String model, int sourceIndex, String tensor, boolean isBase, Operand data,
                        Map<String, Double> params) {
        public OptionalDouble param(String name) {
            Double v = params.get(name);
            return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
        }
    }

    public MergeContext(String tensorName, long[] shape, Backend backend, List<Input> inputs, Input base,
                        Map<String, Double> global, Operand output, long seed, Warnings warnings) {
        this.tensorName = tensorName;
        this.shape = shape.clone();
        this.backend = backend;
        this.inputs = List.copyOf(inputs);
        this.base = base;
        this.global = Map.copyOf(global);
        this.output = output;
        this.seed = seed;
        this.warnings = warnings;
    }

    public String tensorName() {
        return tensorName;
    }

    public long[] shape() {
        return shape.clone();
    }

    public long numel() {
        return output.numel();
    }

    public Backend backend() {
        return backend;
    }

    /** Inputs in config order; for methods with a separate base the base is not among them. */
    public List<Input> inputs() {
        return inputs;
    }

    /** Stored tensors of {@link #inputs()}. */
    public Operand[] operands() {
        return inputs.stream().map(Input::data).toArray(Operand[]::new);
    }

    /** The separate base input, or {@code null} for methods without one. */
    public Input base() {
        return base;
    }

    /** Where the merged tensor goes, in the output dtype. */
    public Operand output() {
        return output;
    }

    /** The {@code --seed} of this merge. */
    public long seed() {
        return seed;
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

    /** A user-facing error about this tensor. */
    public CrucibleException error(String problem) {
        return new CrucibleException(tensorName + ": " + problem);
    }
}
