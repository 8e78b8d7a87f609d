package dev.crucible.backend.cuda;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which CUDA module a GPU gets: its architecture's cubin, else the PTX (NUL-terminated for the driver). */
class CudaModuleImageTest {
    @TempDir
    Path dir;

    @Test
    void prefersTheCubinOfTheArchitecture() throws IOException {
        ClassLoader loader = classpath("crucible.sm_90.cubin", "ELF", "crucible.ptx", ".version 9.0");
        CudaModuleImage image = CudaModuleImage.forCapability(9, 0, loader);
        assertEquals("native/cuda/crucible.sm_90.cubin", image.resource());
        assertTrue(image.cubin());
        assertEquals("sm_90 cubin", image.kind());
        assertEquals("ELF", new String(image.image(), StandardCharsets.US_ASCII));
    }

    @Test
    void fallsBackToNulTerminatedPtx() throws IOException {
        ClassLoader loader = classpath("crucible.sm_90.cubin", "ELF", "crucible.ptx", ".version 9.0");
        CudaModuleImage image = CudaModuleImage.forCapability(8, 6, loader);
        assertEquals(CudaModuleImage.PTX, image.resource());
        assertFalse(image.cubin());
        assertEquals("PTX", image.kind());
        assertEquals(".version 9.0\0", new String(image.image(), StandardCharsets.US_ASCII));
    }

    @Test
    void saysWhatIsMissing() throws IOException {
        ClassLoader loader = classpath("crucible.sm_90.cubin", "ELF");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CudaModuleImage.forCapability(8, 0, loader));
        assertTrue(e.getMessage().contains("neither native/cuda/crucible.sm_80.cubin nor native/cuda/crucible.ptx"),
                e.getMessage());
    }

    private ClassLoader classpath(String... nameAndContent) throws IOException {
        Path cuda = Files.createDirectories(dir.resolve("native/cuda"));
        for (int i = 0; i < nameAndContent.length; i += 2) {
            Files.writeString(cuda.resolve(nameAndContent[i]), nameAndContent[i + 1]);
        }
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, null);
    }
}
