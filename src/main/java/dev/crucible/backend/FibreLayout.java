package dev.crucible.backend;

/**
 * Splits a tensor into fibres, the vectors that per-fibre methods treat separately: element
 * {@code j = (a·length + i)·inner + c} is element {@code i} of fibre {@code a·inner + c}. Rows of a matrix are
 * {@code (rows, cols, 1)}; its columns {@code (1, rows, cols)}; the whole tensor as one vector {@code (1, numel, 1)}.
 */
public record FibreLayout(long outer, long length, long inner) {

    public static FibreLayout whole(long numel) {
        return new FibreLayout(1, numel, 1);
    }

    /** Fibres along the last dimension (rows for a matrix); a 0-d or 1-d tensor is one fibre. */
    public static FibreLayout lastDim(long[] shape) {
        long numel = numel(shape);
        if (shape.length <= 1) {
            return whole(numel);
        }
        long last = shape[shape.length - 1];
        return new FibreLayout(last == 0 ? 0 : numel / last, last, 1);
    }

    /** Fibres along dimension {@code dim}; a tensor of rank ≤ {@code dim} is one fibre. */
    public static FibreLayout alongDim(long[] shape, int dim) {
        if (shape.length <= dim) {
            return whole(numel(shape));
        }
        long outer = 1;
        for (int d = 0; d < dim; d++) {
            outer *= shape[d];
        }
        long inner = 1;
        for (int d = dim + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        return new FibreLayout(outer, shape[dim], inner);
    }

    public long fibres() {
        return outer * inner;
    }

    public long numel() {
        return outer * length * inner;
    }

    /** Flat index of element {@code i} of fibre {@code f}. */
    public long index(long f, long i) {
        long a = f / inner;
        long c = f % inner;
        return (a * length + i) * inner + c;
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
