package dev.crucible.backend.cpu;

import dev.crucible.backend.Backend;
import dev.crucible.backend.Keys;
import dev.crucible.backend.Threshold;

import java.lang.reflect.Proxy;

/**
 * A test-only {@link Backend} whose selection primitives run {@link SelectionKernels}; every other primitive throws.
 * The histogram is filled one {@link Threshold#CHUNK}-element range at a time into shared counts, the way an engine's
 * threads would. A dynamic proxy rather than a class, so it needs no stub per primitive of an interface that is
 * still growing.
 */
public final class KernelBackend {
    private KernelBackend() {
    }

    public static Backend create() {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "name" -> "selection-kernels";
                    case "histogram" -> histogram((Keys) args[0], (int) args[1], (int) args[2], (int) args[3]);
                    case "tieCounts" -> tieCounts((Keys) args[0], (int) args[1]);
                    case "close" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static long[] histogram(Keys keys, int shift, int bits, int prefix) {
        long[] counts = new long[1 << bits];
        for (long from = 0; from < keys.numel(); from += Threshold.CHUNK) {
            long to = Math.min(keys.numel(), from + Threshold.CHUNK);
            SelectionKernels.histogram(keys, shift, bits, prefix, from, to, counts);
        }
        return counts;
    }

    private static long[] tieCounts(Keys keys, int key) {
        long[] counts = new long[(int) Math.ceilDiv(keys.numel(), Threshold.CHUNK)];
        for (int c = 0; c < counts.length; c++) {
            counts[c] = SelectionKernels.tieCount(keys, key, c);
        }
        return counts;
    }
}
