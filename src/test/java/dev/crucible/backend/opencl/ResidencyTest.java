package dev.crucible.backend.opencl;

import dev.crucible.backend.DeviceCatalog;
import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.Operand;
import dev.crucible.backend.Tensors;
import dev.crucible.backend.device.DeviceBackend;
import dev.crucible.io.DType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Inside one tensor's merge the device engine keeps inputs on the device; an operand the engine itself overwrites
 * (an output read back later, as Arcee Fusion reads its importance) must be read afresh, never from the kept copy.
 */
class ResidencyTest {
    private static final FibreLayout WHOLE = FibreLayout.whole(3);

    @Test
    void anOperandTheEngineOverwritesIsReadAfresh() {
        try (Arena arena = Arena.ofShared(); DeviceBackend engine = new DeviceBackend(DeviceCatalog.open("opencl"))) {
            Operand one = Tensors.of(arena, DType.F32, 1f, 2f, 3f);
            Operand other = Tensors.of(arena, DType.F32, 10f, 20f, 30f);
            Operand middle = Tensors.of(arena, DType.F32, 0f, 0f, 0f);
            Operand out = Tensors.of(arena, DType.F32, 0f, 0f, 0f);
            engine.beginTensor();
            try {
                engine.blend(null, new Operand[] {one}, new float[] {2f}, WHOLE, middle); // middle = 2, 4, 6
                engine.blend(null, new Operand[] {middle}, new float[] {1f}, WHOLE, out); // reads middle: kept
                assertEquals(6f, Tensors.value(out, 2));
                engine.blend(null, new Operand[] {other}, new float[] {2f}, WHOLE, middle); // middle = 20, 40, 60
                engine.blend(null, new Operand[] {middle}, new float[] {1f}, WHOLE, out);
                assertEquals(60f, Tensors.value(out, 2), "the kept copy of an overwritten operand was used");
            } finally {
                engine.endTensor();
            }
        }
    }
}
