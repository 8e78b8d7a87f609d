package dev.crucible.backend;

/**
 * The unsigned 32-bit keys a selection ranks (numerics-and-gpu.md §5.1), computed on the fly from the inputs.
 */
public sealed interface Keys {

    long numel();

    /** {@code bits(fl32(x − b)) & 0x7FFFFFFF}: magnitudes of a task vector. */
    record DeltaMagnitude(Operand x, Operand b) implements Keys {
        @Override
        public long numel() {
            return x.numel();
        }
    }

    /**
     * Magnitude keys of the population variance over models of {@code δ_m = x_m − b}, in binary32:
     * {@code μ = (Σ δ_m)/N}, {@code var = (Σ (δ_m − μ)²)/N} (sce).
     */
    record DeltaVariance(Operand[] xs, Operand b) implements Keys {
        @Override
        public long numel() {
            return b.numel();
        }
    }

    /** Signed keys of a float32 operand: numeric order of the values (quantiles). */
    record Signed(Operand values) implements Keys {
        @Override
        public long numel() {
            return values.numel();
        }
    }
}
