package dev.crucible.plan;

import dev.crucible.io.DType;
import dev.crucible.io.TensorSpec;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One output tensor: what it is made of and how.
 *
 * @param name   output tensor name
 * @param dtype  output dtype
 * @param shape  output shape
 * @param kind   {@link Kind#MERGE} runs the method; {@link Kind#COPY} copies an integer or boolean tensor
 * @param inputs sources handed to the method, in config order (base excluded for methods with a separate base)
 * @param base   the separate base input, or null
 * @param t      the tensor's position in its slice, used for gradients (merge-methods.md §2.4)
 * @param global resolved global parameters
 */
public record TensorJob(String name, DType dtype, long[] shape, Kind kind, List<JobInput> inputs, JobInput base,
                        double t, Map<String, Double> global) {

    public enum Kind { MERGE, COPY }

    public long numel() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public long outputBytes() {
        return dtype.byteSize(numel());
    }

    public TensorSpec spec() {
        return new TensorSpec(name, dtype, shape);
    }

    /** Every input, base first when present. */
    public List<JobInput> allInputs() {
        return base == null ? inputs : Stream.concat(Stream.of(base), inputs.stream()).toList();
    }

    /** Bytes of the distinct input tensors {@code jobs} read: a tensor several jobs share is read once. */
    public static long distinctInputBytes(Collection<TensorJob> jobs) {
        Set<String> seen = new HashSet<>();
        long total = 0;
        for (TensorJob job : jobs) {
            for (JobInput in : job.allInputs()) {
                if (seen.add(in.model() + "\u0000" + in.tensor())) {
                    total += in.info().byteSize();
                }
            }
        }
        return total;
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}
