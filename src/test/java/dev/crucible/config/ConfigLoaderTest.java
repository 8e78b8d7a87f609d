package dev.crucible.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.crucible.io.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File handling, recorded lines and YAML features that mergekit's PyYAML loader also accepts. */
class ConfigLoaderTest {
    private static final String CONFIG = """
            # a comment line
            merge_method: ties
            base_model: org/base
            models:
              - model: org/a
                parameters:
                  density: 0.5
              - model: org/b
            parameters:
              normalize: false
            dtype: torch.bfloat16
            out_dtype: float32
            """;

    @TempDir
    Path dir;

    @Test
    void loadsAFileAndKeepsItsTextVerbatim() throws Exception {
        Path file = dir.resolve("merge.yml");
        Files.writeString(file, CONFIG);
        MergeConfig config = ConfigLoader.load(file);
        assertEquals(CONFIG, config.sourceText());
        assertEquals(file.toString(), config.lines().sourceName());
        assertEquals(DType.BF16, config.dtype());
        assertEquals(DType.F32, config.outDtype());
    }

    @Test
    void recordsTheLineOfEveryKeyPath() {
        SourceLines lines = ConfigLoader.parse(CONFIG, "merge.yml").lines();
        assertEquals(2, lines.line("merge_method"));
        assertEquals(3, lines.line("base_model"));
        assertEquals(5, lines.line("models[0]"));
        assertEquals(5, lines.line("models[0].model"));
        assertEquals(7, lines.line("models[0].parameters.density"));
        assertEquals(8, lines.line("models[1]"));
        assertEquals(10, lines.line("parameters.normalize"));
        assertEquals(0, lines.line("parameters.weight"));
    }

    @Test
    void laterStagesReportInTheSameForm() {
        SourceLines lines = ConfigLoader.parse(CONFIG, "merge.yml").lines();
        assertEquals("merge.yml:10: parameters.normalize: must be 0 or 1",
                lines.error("parameters.normalize", "must be 0 or 1").getMessage());
        assertEquals("merge.yml: parameters.lambda: missing", lines.error("parameters.lambda", "missing").getMessage());
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("absent.yml");
        assertEquals("cannot read " + file + ": no such file",
                assertThrows(ConfigException.class, () -> ConfigLoader.load(file)).getMessage());
    }

    @Test
    void invalidUtf8() throws Exception {
        Path file = dir.resolve("latin1.yml");
        Files.write(file, new byte[] {'a', ':', ' ', (byte) 0xE9, '\n'});
        assertEquals("cannot read " + file + ": not valid UTF-8 text",
                assertThrows(ConfigException.class, () -> ConfigLoader.load(file)).getMessage());
    }

    @Test
    void oversizedFileIsRefusedBeforeReading() throws Exception {
        Path file = dir.resolve("huge.yml");
        Files.write(file, new byte[YamlComposer.MAX_CODE_POINTS + 1]);
        assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
    }

    @Test
    void aPipeLongerThanTheLimitIsRefusedAfterTheLimit() throws Exception {
        // bash's <(...) passes a pipe, whose size is 0: only reading can tell how long it is.
        Path pipe = dir.resolve("piped.yml");
        assertEquals(0, new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor(), "mkfifo");
        Thread writer = Thread.ofVirtual().start(() -> {
            try (var out = Files.newOutputStream(pipe)) {
                out.write(new byte[YamlComposer.MAX_CODE_POINTS * 2]);
            } catch (IOException e) {
                // the loader stops reading and closes the pipe: expected
            }
        });
        var e = assertThrows(ConfigException.class, () -> ConfigLoader.load(pipe));
        assertEquals("cannot read " + pipe + ": larger than " + YamlComposer.MAX_CODE_POINTS + " bytes, too large"
                + " for a merge config", e.getMessage());
        writer.join();
    }

    @Test
    void anchorsAliasesAndMergeKeysWork() {
        MergeConfig config = ConfigLoader.parse("""
                merge_method: ties
                models:
                  - model: org/a
                    parameters: &common {density: 0.5, weight: 0.3}
                  - model: org/b
                    parameters:
                      <<: *common
                      weight: 0.7
                """, "anchors.yml");
        Parameters a = config.models().get(0).parameters();
        Parameters b = config.models().get(1).parameters();
        assertEquals(a.get("density"), b.get("density"));
        assertEquals(new ParameterSetting.Scalar(0.7), b.get("weight").orElseThrow());
        assertEquals(8, config.lines().line("models[1].parameters.weight"));
    }

    @Test
    void nullOptionalSectionsCountAsAbsent() {
        MergeConfig config = ConfigLoader.parse("""
                merge_method: linear
                models:
                  - model: a
                    parameters:
                base_model:
                parameters:
                """, "n.yml");
        assertSame(Parameters.EMPTY, config.models().getFirst().parameters());
        assertEquals(null, config.baseModel());
        assertSame(Parameters.EMPTY, config.parameters());
    }

    @Test
    void multimergeNameIsAccepted() {
        assertEquals("linear", ConfigLoader.parse("name: first\nmerge_method: linear\nmodels: [{model: a}]\n",
                "n.yml").mergeMethod());
    }
}
