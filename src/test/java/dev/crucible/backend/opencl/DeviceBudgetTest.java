package dev.crucible.backend.opencl;

import dev.crucible.CrucibleException;
import dev.crucible.backend.Backend;
import dev.crucible.backend.Backends;
import dev.crucible.backend.DeviceCatalog;
import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.GtaSpec;
import dev.crucible.backend.Keys;
import dev.crucible.backend.Mask;
import dev.crucible.backend.Operand;
import dev.crucible.backend.Tensors;
import dev.crucible.backend.cpu.CpuBackend;
import dev.crucible.backend.device.DeviceBackend;
import dev.crucible.io.DType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --max-device-memory}: under a budget far below a tensor's size the device engine works in windows and keeps
 * what it can resident, holds no more than the budget at any time, and writes the bytes of the CPU reference; streams
 * on one device split the budget; a budget too small for one window is a clear error.
 */
class DeviceBudgetTest {
    private static final long NUMEL = 3L << 20;
    private static final long BUDGET = 16L << 20;

    @Test
    void aTiesMergeUnderATightBudgetHoldsItAndMatchesTheReference() {
        SplittableRandom random = new SplittableRandom(7);
        try (Arena arena = Arena.ofShared(); DeviceBackend engine = new DeviceBackend(DeviceCatalog.open("opencl"),
                BUDGET, 1, 0); DeviceBackend unbounded = new DeviceBackend(DeviceCatalog.open("opencl"))) {
            Operand b = Tensors.random(arena, DType.BF16, NUMEL, random);
            Operand[] xs = {Tensors.near(arena, b, random), Tensors.near(arena, b, random)};
            Operand expected = Tensors.output(arena, DType.BF16, NUMEL, (byte) 0);
            Operand actual = Tensors.output(arena, DType.BF16, NUMEL, (byte) 1);
            ties(CpuBackend.reference(), b, xs, expected);
            engine.beginTensor();
            try {
                ties(engine, b, xs, actual);
            } finally {
                engine.endTensor();
            }
            Tensors.assertSameBytes(expected, actual, "ties under a " + BUDGET + "-byte budget");
            assertTrue(engine.devicePeakBytes() <= BUDGET, "peak " + engine.devicePeakBytes());
            // the default budget lets the engine keep the three widened inputs, 12 MiB each, and larger windows
            unbounded.beginTensor();
            try {
                ties(unbounded, b, xs, actual);
            } finally {
                unbounded.endTensor();
            }
            Tensors.assertSameBytes(expected, actual, "ties under the default budget");
            assertTrue(unbounded.devicePeakBytes() > 2 * BUDGET, "peak " + unbounded.devicePeakBytes());
        }
    }

    @Test
    void streamsShareTheBudgetAndMergeConcurrently() throws Exception {
        SplittableRandom random = new SplittableRandom(9);
        List<Backend> streams = Backends.open("opencl", 1, 2 * BUDGET, 2);
        try (Arena arena = Arena.ofShared(); ExecutorService pool = Executors.newFixedThreadPool(streams.size())) {
            Operand b = Tensors.random(arena, DType.BF16, NUMEL, random);
            Operand[] xs = {Tensors.near(arena, b, random), Tensors.near(arena, b, random)};
            Operand expected = Tensors.output(arena, DType.BF16, NUMEL, (byte) 0);
            ties(CpuBackend.reference(), b, xs, expected);
            List<Future<Operand>> results = new ArrayList<>();
            for (Backend engine : streams) {
                results.add(pool.submit(() -> {
                    Operand out = Tensors.output(arena, DType.BF16, NUMEL, (byte) 1);
                    engine.beginTensor();
                    try {
                        ties(engine, b, xs, out);
                    } finally {
                        engine.endTensor();
                    }
                    return out;
                }));
            }
            for (int s = 0; s < streams.size(); s++) {
                Tensors.assertSameBytes(expected, results.get(s).get(), "ties on stream " + s);
                long peak = streams.get(s).devicePeakBytes();
                assertTrue(peak > 0 && peak <= BUDGET, "stream " + s + " peak " + peak);
            }
        } finally {
            streams.forEach(Backend::close);
        }
    }

    @Test
    void aBudgetBelowOneWindowIsAClearError() {
        SplittableRandom random = new SplittableRandom(8);
        try (Arena arena = Arena.ofShared(); DeviceBackend engine = new DeviceBackend(DeviceCatalog.open("opencl"),
                1L << 20, 1, 0); DeviceBackend stream = new DeviceBackend(DeviceCatalog.open("opencl"), 2L << 20, 2, 0)) {
            Operand b = Tensors.random(arena, DType.BF16, NUMEL, random);
            Operand[] xs = {Tensors.near(arena, b, random)};
            Operand out = Tensors.output(arena, DType.BF16, NUMEL, (byte) 0);
            CrucibleException e = assertThrows(CrucibleException.class, () -> ties(engine, b, xs, out));
            assertTrue(e.getMessage().startsWith("--max-device-memory 1.05 MB is too small"), e.getMessage());
            CrucibleException shared = assertThrows(CrucibleException.class, () -> ties(stream, b, xs, out));
            assertTrue(shared.getMessage().startsWith("--max-device-memory 2.10 MB over 2 streams, 1.05 MB each, is"
                    + " too small"), shared.getMessage());
            assertTrue(shared.getMessage().endsWith("allow more or use fewer --streams"), shared.getMessage());
        }
    }

    /** TIES: each model's top half by magnitude, signs elected by the weighted sum. */
    private static void ties(Backend engine, Operand b, Operand[] xs, Operand out) {
        Mask[] masks = new Mask[xs.length];
        float[] ones = new float[xs.length];
        for (int m = 0; m < xs.length; m++) {
            Keys keys = new Keys.DeltaMagnitude(xs[m], b);
            masks[m] = new Mask.Top(keys, engine.top(keys, NUMEL / 2));
            ones[m] = 1f;
        }
        engine.gta(new GtaSpec(masks, ones, false, ones, GtaSpec.Consensus.SUM, true, xs.length, 1f), b, xs, out);
    }
}
