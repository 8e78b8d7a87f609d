package dev.crucible.backend.cpu;

import dev.crucible.backend.EngineConformance;

import java.util.List;

/** The vectorised CPU engine, with one and with three threads, against the reference. */
class CpuVectorConformanceTest extends EngineConformance {
    @Override
    protected List<Engine> engines() {
        return List.of(new Engine("vector(1)", CpuBackend.vector(1), true),
                new Engine("vector(3)", CpuBackend.vector(3), true));
    }
}
