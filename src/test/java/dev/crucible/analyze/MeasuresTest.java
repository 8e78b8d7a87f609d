package dev.crucible.analyze;

import dev.crucible.backend.Backend;
import dev.crucible.backend.Backends;
import dev.crucible.backend.Operand;
import dev.crucible.io.DType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every figure of {@link Measures} on small F32 tensors whose answers are known in closed form. */
class MeasuresTest {
    private static final List<String> TWO = List.of("a", "b");
    private static final double EXACT = 1e-12;

    private static Backend backend;
    private static Measures measures;

    @BeforeAll
    static void open() {
        backend = Backends.open("cpu", 2);
        measures = new Measures(backend);
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    @Test
    void identicalModelsHaveZeroDeltasAndNothingToCompare() {
        float[] base = {0.5f, -1f, 2f, 0.25f, 3f};
        TensorFigures f = measures.before("model.layers.2.mlp.up_proj.weight", f32(base), TWO,
                new Operand[] {f32(base), f32(base)});
        assertEquals(2, f.layer());
        assertEquals("mlp.up_proj", f.module());
        for (ModelFigures m : f.models()) {
            assertEquals(0, m.deltaNorm());
            assertEquals(0, m.relativeNorm());
            assertEquals(1, m.zeroFraction());
        }
        assertTrue(Double.isNaN(f.pairs().getFirst().cosine()), "zero task vectors have no direction");
        assertTrue(Double.isNaN(f.conflictRate()), "no coordinate is considered");
        assertTrue(Double.isNaN(f.topConflictRate()));
        assertEquals(0, f.slerpAngle(), EXACT, "identical weights");
    }

    @Test
    void oppositeModelsConflictEverywhere() {
        float[] base = new float[20];
        float[] up = new float[20];
        float[] down = new float[20];
        for (int i = 0; i < 20; i++) {
            base[i] = 1f;
            float d = (i % 3 == 0 ? -1 : 1) * (i + 1) / 8f;
            up[i] = 1f + d;
            down[i] = 1f - d;
        }
        TensorFigures f = measures.before("lm_head.weight", f32(base), TWO, new Operand[] {f32(up), f32(down)});
        assertEquals(-1, f.layer());
        assertEquals("lm_head.weight", f.module());
        assertEquals(-1, f.pairs().getFirst().cosine(), EXACT);
        assertEquals(1, f.conflictRate());
        assertEquals(1, f.topConflictRate(), "the same coordinates are each model's largest");
        double norm = 0;
        for (int i = 0; i < 20; i++) {
            norm += (double) (up[i] - 1f) * (up[i] - 1f);
        }
        assertEquals(Math.sqrt(norm), f.models().getFirst().deltaNorm(), EXACT);
        assertEquals(Math.sqrt(norm) / Math.sqrt(20), f.models().getFirst().relativeNorm(), EXACT);
        assertEquals(0, f.models().getFirst().zeroFraction());
    }

    @Test
    void disjointSparseDeltasAreOrthogonalAndNeverConflict() {
        float[] base = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        float[] even = base.clone();
        float[] odd = base.clone();
        for (int i = 0; i < base.length; i++) {
            if (i % 2 == 0) {
                even[i] += 1;
            } else {
                odd[i] -= 1;
            }
        }
        TensorFigures f = measures.before("model.norm.weight", f32(base), TWO, new Operand[] {f32(even), f32(odd)});
        assertEquals(0, f.pairs().getFirst().cosine());
        assertTrue(Double.isNaN(f.conflictRate()), "no coordinate has two nonzero deltas");
        assertTrue(Double.isNaN(f.topConflictRate()));
        assertEquals(0.5, f.models().get(0).zeroFraction());
        assertEquals(0.5, f.models().get(1).zeroFraction());
    }

    /** Overlap on three coordinates, one of them in conflict; each model's top two are its index 1 and one other. */
    @Test
    void knownMixture() {
        double[] d0 = {1, 2, -1, 0, 3, 0, 0, 0, 0, 0};
        double[] d1 = {1, -2, -1, 4, 0, 0, 0, 0, 0, 0};
        float[] base = new float[10];
        Arrays.fill(base, 1f);
        float[] x0 = plus(base, d0, 1);
        float[] x1 = plus(base, d1, 1);
        TensorFigures f = measures.before("model.layers.0.self_attn.q_proj.bias", f32(base), TWO,
                new Operand[] {f32(x0), f32(x1)});
        assertEquals("self_attn.q_proj", f.module());
        assertEquals(Math.sqrt(15), f.models().get(0).deltaNorm(), EXACT);
        assertEquals(Math.sqrt(22), f.models().get(1).deltaNorm(), EXACT);
        assertEquals(Math.sqrt(15) / Math.sqrt(10), f.models().get(0).relativeNorm(), EXACT);
        assertEquals(0.6, f.models().get(0).zeroFraction());
        assertEquals(0.6, f.models().get(1).zeroFraction());
        assertEquals(-2 / Math.sqrt(15 * 22), f.pairs().getFirst().cosine(), EXACT);
        assertEquals(1 / 3.0, f.conflictRate(), EXACT, "coordinates 0, 1, 2 overlap; 1 disagrees");
        assertEquals(1, f.topConflictRate(), "only coordinate 1 is in both top twos, and it disagrees");
        assertEquals(angle(x0, x1), f.slerpAngle(), EXACT);
    }

    @Test
    void oneModelHasNoConflictAndItsSlerpPairIsTheBase() {
        float[] base = {1, 0, 0};
        float[] x = {0, 1, 0};
        TensorFigures f = measures.before("t", f32(base), List.of("a"), new Operand[] {f32(x)});
        assertTrue(f.pairs().isEmpty());
        assertTrue(Double.isNaN(f.conflictRate()));
        assertEquals(Math.PI / 2, f.slerpAngle(), EXACT);
    }

    @Test
    void withoutABaseOnlyTheSlerpAngleIsDefined() {
        TensorFigures f = measures.before("t", null, TWO, new Operand[] {f32(new float[] {1, 0}),
                f32(new float[] {-1, 0})});
        assertTrue(f.models().isEmpty());
        assertTrue(f.pairs().isEmpty());
        assertTrue(Double.isNaN(f.conflictRate()));
        assertEquals(Math.PI, f.slerpAngle(), EXACT);
    }

    @Test
    void retentionMeasuresWhatTheMergeKeptOfEachSource() {
        double[] d0 = {1, 2, -1, 0, 3, 0, 0, 0, 0, 0};
        double[] d1 = {1, -2, -1, 4, 0, 0, 0, 0, 0, 0};
        float[] base = new float[10];
        Arrays.fill(base, 1f);
        Operand b = f32(base);
        Operand x0 = f32(plus(base, d0, 1));
        Operand x1 = f32(plus(base, d1, 1));
        Operand merged = f32(plus(base, d0, 0.5));
        RetentionFigures r0 = measures.retention("model.layers.1.mlp.down_proj.weight", b, merged, "a", x0);
        assertEquals(1, r0.layer());
        assertEquals("mlp.down_proj", r0.module());
        assertEquals(0.5, r0.keptFraction(), EXACT);
        assertEquals(1, r0.cosine(), EXACT);
        RetentionFigures r1 = measures.retention("t", b, merged, "b", x1);
        assertEquals(0.5 * -2 / 22, r1.keptFraction(), EXACT);
        assertEquals(-2 / Math.sqrt(15 * 22), r1.cosine(), EXACT);
        RetentionFigures cancelled = measures.retention("t", b, b, "a", x0);
        assertEquals(0, cancelled.keptFraction());
        assertTrue(Double.isNaN(cancelled.cosine()), "the merged delta is zero");
        assertTrue(Double.isNaN(measures.retention("t", b, merged, "c", b).keptFraction()), "zero source delta");
    }

    private static float[] plus(float[] base, double[] delta, double scale) {
        float[] out = new float[base.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (base[i] + scale * delta[i]);
        }
        return out;
    }

    private static double angle(float[] a, float[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return Math.acos(ab / Math.sqrt(aa * bb));
    }

    private static Operand f32(float[] values) {
        MemorySegment bytes = Arena.ofAuto().allocate(4L * values.length, 4);
        MemorySegment.copy(values, 0, bytes, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, values.length);
        return new Operand(DType.F32, bytes, values.length);
    }
}
