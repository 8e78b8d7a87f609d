package dev.crucible.bench;

import dev.crucible.io.TensorSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Size presets, their overrides and the engine and method lists of the bench's command line. */
class BenchOptionsTest {
    private static long modelBytes(BenchOptions o) {
        return o.shape().tensors().stream().mapToLong(TensorSpec::byteSize).sum();
    }

    @Test
    void defaultsAreThe1gModelsEveryMethodAndTheCpu() {
        BenchOptions o = BenchOptions.parse();
        assertEquals("1g", o.size());
        assertEquals("8x2048x5632x32000", o.shapeText());
        assertEquals(1.08e9, modelBytes(o), 0.01e9);
        assertEquals(List.of("linear", "slerp", "ties", "dare_ties", "della", "model_stock"), o.methods());
        assertEquals(List.of("cpu"), o.devices());
        assertEquals(List.of(2), o.streams());
    }

    @Test
    void streamsListsTheCountsToCompare() {
        assertEquals(List.of(1, 2), BenchOptions.parse("--streams", "1,2").streams());
        for (String bad : List.of("0", "9", "1,1", "two", "")) {
            assertThrows(BenchOptions.UsageException.class, () -> BenchOptions.parse("--streams", bad), bad);
        }
    }

    @Test
    void presetsSetTheShapeAndShapeOptionsOverrideThem() {
        assertEquals(13.5e9, modelBytes(BenchOptions.parse("--size", "7b")), 0.05e9);
        assertEquals("32x4096x11008x32000", BenchOptions.parse("--size", "7b").shapeText());
        BenchOptions custom = BenchOptions.parse("--size", "7b", "--layers", "4", "--cold");
        assertEquals("custom", custom.size());
        assertEquals("4x4096x11008x32000", custom.shapeText());
        assertEquals(true, custom.cold());
        BenchOptions tiny = BenchOptions.parse("--size", "tiny");
        assertEquals(4.2e6, modelBytes(tiny), 0.1e6);
    }

    @Test
    void deviceIsASynonymOfDevices() {
        assertEquals(List.of("opencl"), BenchOptions.parse("--device", "opencl").devices());
        assertEquals(List.of("cpu", "opencl:1", "cuda"), BenchOptions.parse("--devices", "cpu,opencl:1,cuda").devices());
    }

    @Test
    void unknownEnginesMethodsAndOptionsAreUsageErrors() {
        for (String[] args : List.of(new String[] {"--devices", "cpu,tpu"}, new String[] {"--devices", "auto"},
                new String[] {"--methods", "linear,frankenmerge"}, new String[] {"--methods", "ties,ties"},
                new String[] {"--repeat", "0"}, new String[] {"--frobnicate", "1"}, new String[] {"--csv"})) {
            assertThrows(BenchOptions.UsageException.class, () -> BenchOptions.parse(args), String.join(" ", args));
        }
    }
}
