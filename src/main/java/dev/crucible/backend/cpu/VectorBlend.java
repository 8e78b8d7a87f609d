package dev.crucible.backend.cpu;

import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.Operand;
import jdk.incubator.vector.FloatVector;

/**
 * {@link BlendKernels#blend} with the Vector API, for whole tensors and rows (the layouts whose coefficients are
 * constant along contiguous runs). Every lane performs the scalar kernel's operations in the same order, multiply
 * then add, never fused; elements after the last whole vector of a run take the scalar kernel.
 */
final class VectorBlend {
    private static final int LANES = VectorFormats.F.length();

    private VectorBlend() {
    }

    static boolean supports(Operand b, Operand[] xs, FibreLayout fibres, Operand out) {
        if (fibres.inner() != 1 || !VectorFormats.supports(out.dtype())
                || b != null && !VectorFormats.supports(b.dtype())) {
            return false;
        }
        for (Operand x : xs) {
            if (!VectorFormats.supports(x.dtype())) {
                return false;
            }
        }
        return true;
    }

    static void blend(Operand b, Operand[] xs, float[] c, FibreLayout fibres, Operand out, long from, long to) {
        long run = Math.max(1, fibres.length());
        for (long start = from; start < to; ) {
            long end = Math.min(to, (start / run + 1) * run);
            int base = (int) (start / run * xs.length);
            long i = start;
            for (long bound = start + VectorFormats.F.loopBound(end - start); i < bound; i += LANES) {
                VectorFormats.write(out, i, b == null ? sum(xs, c, base, i) : withBase(b, xs, c, base, i));
            }
            BlendKernels.blend(b, xs, c, fibres, out, i, end);
            start = end;
        }
    }

    private static FloatVector sum(Operand[] xs, float[] c, int base, long i) {
        FloatVector r = VectorFormats.read(xs[0], i).mul(c[base]);
        for (int m = 1; m < xs.length; m++) {
            r = r.add(VectorFormats.read(xs[m], i).mul(c[base + m]));
        }
        return r;
    }

    private static FloatVector withBase(Operand b, Operand[] xs, float[] c, int base, long i) {
        FloatVector bv = VectorFormats.read(b, i);
        FloatVector sum = VectorFormats.read(xs[0], i).sub(bv).mul(c[base]);
        for (int m = 1; m < xs.length; m++) {
            sum = sum.add(VectorFormats.read(xs[m], i).sub(bv).mul(c[base + m]));
        }
        return bv.add(sum);
    }
}
