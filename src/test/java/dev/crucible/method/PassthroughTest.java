package dev.crucible.method;

import dev.crucible.io.DType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class PassthroughTest {
    @Test
    void withoutScaleTheInputIsPassedThroughUntouched() {
        MergeContext.Input in = MethodHarness.input("a", 0, false, DType.BF16, new float[] {1, Float.NaN}, Map.of());
        try (var backend = dev.crucible.backend.cpu.CpuBackend.reference()) {
            MergeContext ctx = new MergeContext("t", new long[] {2}, backend, java.util.List.of(in), null, Map.of(),
                    in.data(), 0, new dev.crucible.Warnings());
            // the executor copies these bytes verbatim: no widening, no NaN canonicalization
            MergeResult r = new Passthrough().merge(ctx);
            assertInstanceOf(MergeResult.Unchanged.class, r);
            assertNotNull(((MergeResult.Unchanged) r).input());
        }
    }

    @Test
    void scaleMultipliesEveryElement() {
        float[] r = new MethodHarness()
                .input("a", DType.F32, new float[] {1, -2, 0.5f}, Map.of("scale", 0.5))
                .merge(new Passthrough(), Map.of());
        assertArrayEquals(new float[] {0.5f, -1f, 0.25f}, r);
    }

    @Test
    void acceptsOnlyOneInput() {
        assertNull(new Passthrough().checkInputs(1, false));
        assertNotNull(new Passthrough().checkInputs(2, false));
    }
}
