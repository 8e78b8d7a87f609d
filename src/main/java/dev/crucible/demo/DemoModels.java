package dev.crucible.demo;

import dev.crucible.io.DType;

import java.nio.file.Path;
import java.util.List;

/**
 * The demo's models: a bf16 base and three fine-tunes whose task vectors conflict in sign, the situation where
 * TIES-style methods beat plain averaging. {@code ft-a} moves each weight along a shared direction, {@code ft-b}
 * against it, {@code ft-c} changes a sparse 10% of weights strongly. {@code ft-b} is written in several shards with
 * an index, so the demo also exercises sharded input.
 */
public final class DemoModels {
    public static final TinyLlama SHAPE = new TinyLlama(4, 256, 688, 2048, false, DType.BF16);
    public static final List<String> FINE_TUNES = List.of("ft-a", "ft-b", "ft-c");
    private static final long SEED = 2026;
    private static final long ONE_SHARD = Long.MAX_VALUE;
    private static final long SMALL_SHARDS = 4_000_000;

    private DemoModels() {
    }

    /** Writes base, ft-a, ft-b and ft-c under {@code modelsDir}. */
    public static void write(Path modelsDir) {
        SHAPE.write(modelsDir.resolve("base"), SEED, TinyLlama.Delta.NONE, ONE_SHARD);
        SHAPE.write(modelsDir.resolve("ft-a"), SEED, (t, i, b) -> 0.010f * direction(t, i), ONE_SHARD);
        SHAPE.write(modelsDir.resolve("ft-b"), SEED, (t, i, b) -> -0.008f * direction(t, i) + 0.002f
                * noise(t, i, 1), SMALL_SHARDS);
        SHAPE.write(modelsDir.resolve("ft-c"), SEED, (t, i, b) -> noise(t, i, 2) > 0.8f ? 0.02f * direction(t, i)
                * Math.signum(noise(t, i, 3)) : 0f, ONE_SHARD);
    }

    /** A fixed ±1 pattern per element: the direction the fine-tunes disagree about. */
    private static float direction(String tensor, long index) {
        return (mix(tensor.hashCode(), index, 0) & 1) == 0 ? 1f : -1f;
    }

    /** Uniform in [-1, 1), a pure function of its arguments. */
    private static float noise(String tensor, long index, int stream) {
        return (mix(tensor.hashCode(), index, stream) >>> 40) / (float) (1L << 23) - 1f;
    }

    /** SplitMix64's finalizer over the combined inputs. */
    private static long mix(int a, long b, int c) {
        long z = (a * 0x9E3779B97F4A7C15L) ^ (b + 0x632BE59BD9B4E019L) ^ ((long) c << 56);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
