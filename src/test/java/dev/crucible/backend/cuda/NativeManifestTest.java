package dev.crucible.backend.cuda;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * native/ holds the CUDA binaries built from kernels/ (scripts/build-kernels); users without nvcc run them as
 * committed, so they must never fall behind the sources. native/MANIFEST records the hash of every kernel source and
 * of every binary: a source edited without a rebuild, or a binary replaced by hand, fails here on any machine. Where
 * nvcc is installed, the sm_90 cubin is also rebuilt from the sources and must come out byte for byte the same.
 */
class NativeManifestTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();

    private record Manifest(Map<String, String> sources, Map<String, String> outputs, String flags) {
    }

    private static Manifest manifest() throws IOException {
        Map<String, String> sources = new TreeMap<>();
        Map<String, String> outputs = new TreeMap<>();
        String flags = null;
        for (String line : Files.readAllLines(ROOT.resolve("native/MANIFEST"))) {
            String[] f = line.split(" ", 3);
            switch (f[0]) {
                case "source" -> sources.put(f[2], f[1]);
                case "output" -> outputs.put(f[2], f[1]);
                case "flags" -> flags = line.substring("flags ".length());
                default -> {
                }
            }
        }
        return new Manifest(sources, outputs, flags);
    }

    private static Map<String, String> hashes(String folder) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(ROOT.resolve(folder))) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                out.put(ROOT.relativize(p).toString(), sha256(Files.readAllBytes(p)));
            }
        }
        return out;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theBinariesWereBuiltFromTheKernelSourcesAsTheyAre() throws IOException {
        assertEquals(hashes("kernels"), manifest().sources(),
                "kernels/ changed since native/ was built: run scripts/build-kernels and commit native/");
    }

    @Test
    void theBinariesAreTheOnesTheManifestRecords() throws IOException {
        Map<String, String> binaries = hashes("native/cuda");
        assertEquals(binaries, manifest().outputs(), "native/cuda does not match native/MANIFEST");
        assertTrue(binaries.containsKey("native/cuda/crucible.ptx"));
        assertTrue(binaries.containsKey("native/cuda/crucible.sm_90.cubin"));
    }

    @Test
    void theBinariesComputeAsJavaDoes() throws IOException {
        String flags = manifest().flags();
        assertTrue(flags.contains("--fmad=false"), flags);
        assertTrue(flags.contains("-ftz=false"), flags);
        assertFalse(flags.contains("fast_math") || flags.contains("fast-math"), flags);
    }

    @Test
    void whereNvccIsInstalledItRebuildsTheSameCubin() throws IOException, InterruptedException {
        Path nvcc = nvcc();
        if (nvcc == null) {
            return; // the hash checks above still hold native/ to the sources
        }
        Path out = Files.createTempFile("crucible", ".cubin");
        try {
            List<String> command = new ArrayList<>(List.of(nvcc.toString()));
            command.addAll(List.of(manifest().flags().split(" ")));
            command.addAll(List.of("-cubin", "-gencode", "arch=compute_90,code=sm_90", "-o", out.toString(),
                    "kernels/cuda/crucible.cu"));
            Process p = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), log);
            assertArrayEquals(Files.readAllBytes(ROOT.resolve("native/cuda/crucible.sm_90.cubin")),
                    Files.readAllBytes(out), "native/cuda/crucible.sm_90.cubin is stale: run scripts/build-kernels");
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** nvcc on the PATH or in the usual CUDA folders, as scripts/build-kernels looks for it; null when absent. */
    private static Path nvcc() throws IOException {
        List<Path> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            candidates.add(Path.of(dir, "nvcc"));
        }
        candidates.add(Path.of("/usr/local/cuda/bin/nvcc"));
        try (Stream<Path> local = Files.list(Path.of("/usr/local"))) {
            local.filter(p -> p.getFileName().toString().startsWith("cuda-")).sorted()
                    .forEach(p -> candidates.add(p.resolve("bin/nvcc")));
        }
        return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
    }
}
