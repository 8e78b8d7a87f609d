package dev.crucible.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor of a safetensors file: its dtype, shape and byte range, relative to the start of the
 * data section (formats.md §1). Instances made by the reader have been validated against the file.
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {
    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("bad byte range [" + begin + ", " + end + ") for " + name);
        }
    }

    /** A copy: the record stays immutable. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements: the product of the shape, 1 for a scalar. */
    public long numel() {
        return Shapes.numel(shape);
    }

    public long byteSize() {
        return end - begin;
    }

    /** e.g. {@code [32000, 4096]}. */
    public String shapeString() {
        return Shapes.format(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype
                && Arrays.equals(shape, t.shape) && begin == t.begin && end == t.end;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end);
    }

    @Override
    public String toString() {
        return "TensorInfo[name=" + name + ", dtype=" + dtype + ", shape=" + shapeString()
                + ", begin=" + begin + ", end=" + end + "]";
    }
}
