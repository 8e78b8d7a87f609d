package dev.crucible.io;

import java.util.Arrays;
import java.util.StringJoiner;

/** Arithmetic and printing shared by the two shape-carrying records, TensorInfo and TensorSpec. */
final class Shapes {
    private Shapes() {
    }

    /** Product of the dimensions; 1 for a scalar (shape []). Throws ArithmeticException on overflow. */
    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** e.g. {@code [32000, 4096]}; dimensions are printed unsigned because header values are u64. */
    static String format(long[] shape) {
        StringJoiner out = new StringJoiner(", ", "[", "]");
        Arrays.stream(shape).forEach(d -> out.add(Long.toUnsignedString(d)));
        return out.toString();
    }
}
