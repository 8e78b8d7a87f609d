package dev.crucible.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * What the writer needs to lay out one output tensor: name, dtype and shape. The constructor refuses
 * shapes that could not be written (negative dimensions, overflowing sizes, partial bytes).
 */
public record TensorSpec(String name, DType dtype, long[] shape) {
    public TensorSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
        if (Arrays.stream(shape).anyMatch(d -> d < 0)) {
            throw new IllegalArgumentException("negative dimension in shape " + Shapes.format(shape) + " of " + name);
        }
        try {
            long bits = Math.multiplyExact(Shapes.numel(shape), (long) dtype.bits());
            if (bits % 8 != 0) {
                throw new IllegalArgumentException(name + ": " + dtype + " shape " + Shapes.format(shape)
                        + " is not a whole number of bytes");
            }
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(name + ": shape " + Shapes.format(shape) + " is too large", e);
        }
    }

    /** A copy: the record stays immutable. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long numel() {
        return Shapes.numel(shape);
    }

    public long byteSize() {
        return dtype.byteSize(numel());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape));
    }

    @Override
    public String toString() {
        return "TensorSpec[name=" + name + ", dtype=" + dtype + ", shape=" + Shapes.format(shape) + "]";
    }
}
