package dev.crucible.rng;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Derives the 64-bit Philox key for one (seed, output tensor, model) triple (numerics-and-gpu.md §4.2):
 * <pre>
 *   K = mix64( FNV-1a-64( u64-LE(seed) ‖ UTF-8(name) ‖ 0x00 ‖ u32-LE(m) ) )
 *   FNV-1a-64: h = 0xCBF29CE484222325; per byte b: h = (h ⊕ b) × 0x100000001B3      (mod 2^64)
 *   mix64(z):  z = (z ⊕ (z ≫ 30)) × 0xBF58476D1CE4E5B9; z = (z ⊕ (z ≫ 27)) × 0x94D049BB133111EB; z ⊕ (z ≫ 31)
 * </pre>
 * {@code mix64} is the SplitMix64 finalizer (logical shifts). It is there because FNV's multiply carries only upward:
 * its low bits, which would become key word k0, depend on few input bits; the right shifts feed the high bits down.
 * The seed is unsigned, so every {@code long} is valid. {@code name} is the OUTPUT tensor name and {@code m}
 * the model's 0-based index in the slice's source list. The byte string is unambiguous even for names containing
 * U+0000, because the seed and model index have fixed widths. Unpaired surrogates in {@code name} encode as
 * {@code '?'} (Java's UTF-8 encoder); tensor names read from safetensors headers are valid UTF-8 and never have them.
 */
public final class MaskKey {
    private static final long FNV_OFFSET_BASIS = 0xCBF29CE484222325L;
    private static final long FNV_PRIME = 0x100000001B3L;

    private MaskKey() {
    }

    /**
     * The Philox key for model {@code modelIndex} of output tensor {@code outputTensorName} under {@code seed}.
     *
     * @throws IllegalArgumentException if {@code modelIndex} is negative (it is a list index)
     */
    public static long of(long seed, String outputTensorName, int modelIndex) {
        return mix64(fnv1a64(keyBytes(seed, outputTensorName, modelIndex)));
    }

    /** {@code u64-LE(seed) ‖ UTF-8(name) ‖ 0x00 ‖ u32-LE(m)}, the bytes that FNV-1a-64 hashes. */
    static byte[] keyBytes(long seed, String outputTensorName, int modelIndex) {
        Objects.requireNonNull(outputTensorName, "outputTensorName");
        if (modelIndex < 0) {
            throw new IllegalArgumentException("model index must be non-negative: " + modelIndex);
        }
        byte[] name = outputTensorName.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(Long.BYTES + name.length + 1 + Integer.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(seed)
                .put(name)
                .put((byte) 0)
                .putInt(modelIndex)
                .array();
    }

    /** FNV-1a, 64-bit. */
    static long fnv1a64(byte[] bytes) {
        long h = FNV_OFFSET_BASIS;
        for (byte b : bytes) {
            h = (h ^ (b & 0xFF)) * FNV_PRIME;
        }
        return h;
    }

    /** The SplitMix64 finalizer. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
