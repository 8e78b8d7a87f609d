package dev.crucible.backend.cpu;

import dev.crucible.backend.DeviceTensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Off-heap binary32 storage for the CPU engines; a segment so tensors may exceed 2^31 elements. */
final class CpuTensor implements DeviceTensor {
    private final Arena arena;
    private final MemorySegment floats;
    private final long numel;

    CpuTensor(long numel) {
        this.arena = Arena.ofShared();
        this.numel = numel;
        this.floats = arena.allocate(ValueLayout.JAVA_FLOAT, Math.max(1, numel));
    }

    MemorySegment floats() {
        return floats;
    }

    float get(long i) {
        return floats.getAtIndex(ValueLayout.JAVA_FLOAT, i);
    }

    void set(long i, float v) {
        floats.setAtIndex(ValueLayout.JAVA_FLOAT, i, v);
    }

    @Override
    public long numel() {
        return numel;
    }

    @Override
    public void close() {
        arena.close();
    }

    static CpuTensor of(DeviceTensor t) {
        if (t instanceof CpuTensor c) {
            return c;
        }
        throw new IllegalArgumentException("not a CPU tensor: " + t.getClass().getName());
    }
}
