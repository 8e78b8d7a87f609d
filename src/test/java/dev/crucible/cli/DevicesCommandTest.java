package dev.crucible.cli;

import dev.crucible.TestModels;
import dev.crucible.backend.cuda.CudaProbe;
import dev.crucible.backend.opencl.OpenClDeviceInfo;
import dev.crucible.backend.opencl.OpenClProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Locale;

import static dev.crucible.cli.MergeCommandTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code crucible devices} and the {@code --device} errors a user sees when an engine is missing. */
class DevicesCommandTest {
    @TempDir
    Path dir;

    @Test
    void listsTheCpuCudaAndOpenClDevicesAndTheAutoChoice() {
        MergeCommandTest.Run r = cli("devices");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("cpu: " + Runtime.getRuntime().availableProcessors() + " threads, Vector API "),
                r.out());
        if (CudaProbe.probe().available()) {
            assertTrue(r.out().contains("\ncuda:0 "), r.out());
        } else {
            assertTrue(r.out().contains("\ncuda: unavailable (" + CudaProbe.probe().unavailable() + ")\n"), r.out());
        }
        // CI has OpenCL (PoCL, a CPU device); every device the probe found has its line.
        OpenClProbe.Result opencl = OpenClProbe.probe();
        assertFalse(opencl.devices().isEmpty(), "opencl: unavailable (" + opencl.unavailable() + ")");
        for (OpenClDeviceInfo d : opencl.devices()) {
            assertTrue(r.out().contains("\n" + d.spec() + " " + d.name() + " (" + d.platform() + "): "
                    + d.kind().name().toLowerCase(Locale.ROOT) + ", "), r.out());
        }
        assertTrue(r.out().matches("(?s).*\nauto: (cuda:0|opencl:\\d+|cpu \\[.*])\n"), r.out());
    }

    @Test
    void aMissingCudaDriverIsOneLineWithoutAStackTrace() {
        if (CudaProbe.probe().available()) {
            return; // nothing is missing on a GPU machine
        }
        Path a = TestModels.model(dir, "a", TestModels.SMALL, 0f);
        Path config = TestModels.config(dir, """
                merge_method: linear
                models:
                  - model: %s
                    parameters: {weight: 1}
                """.formatted(a));
        MergeCommandTest.Run r = cli("merge", config.toString(), dir.resolve("out").toString(), "--quiet", "--cuda");
        assertEquals(1, r.status());
        assertEquals("error: --device cuda: cuda: unavailable (" + CudaProbe.probe().unavailable() + ")\n", r.err());
        assertFalse(r.err().contains("\tat "));
    }
}
