package dev.crucible.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crucible.TestModels;
import dev.crucible.demo.DemoModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static dev.crucible.cli.MergeCommandTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code crucible analyze} end to end, in-process, on the demo models and tiny test checkpoints. */
class AnalyzeCommandTest {
    private static final Set<String> TIES_FAMILY = Set.of("ties", "dare_ties", "della");

    @TempDir
    Path dir;

    @Test
    void demoModelsGetATiesFamilyRecommendationAndTheFilesAreWritten() throws IOException {
        Path models = dir.resolve("models");
        DemoModels.write(models);
        Path config = TestModels.config(dir, """
                merge_method: ties
                base_model: %1$s/base
                models:
                  - model: %1$s/ft-a
                    parameters: {weight: 0.5, density: 0.5}
                  - model: %1$s/ft-b
                    parameters: {weight: 0.3, density: 0.5}
                  - model: %1$s/ft-c
                    parameters: {weight: 0.2, density: 0.7}
                dtype: bfloat16
                """.formatted(models));
        Path merged = dir.resolve("merged");
        MergeCommandTest.Run merge = cli("merge", config.toString(), merged.toString(), "--quiet", "--device", "cpu");
        assertEquals(0, merge.status(), merge.err());
        Path json = dir.resolve("analysis.json");
        Path report = dir.resolve("report.html");
        MergeCommandTest.Run r = cli("analyze", config.toString(), "--merged", merged.toString(), "--json",
                json.toString(), "--report", report.toString(), "--device", "cpu", "-j", "2");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("recommendation: ties"), r.out());
        assertTrue(r.out().contains("retention after the merge"), r.out());

        JsonNode analysis = new ObjectMapper().readTree(json.toFile());
        String method = analysis.get("recommendation").get("method").asText();
        assertTrue(TIES_FAMILY.contains(method), method);
        assertEquals(3, analysis.get("models").size());
        assertEquals(DemoModels.SHAPE.tensors().size(), analysis.get("tensors").size());
        JsonNode embed = analysis.get("tensors").get(0);
        assertTrue(embed.get("conflictRate").asDouble() > 0.9, "ft-a and ft-b disagree everywhere");
        assertEquals(-1, embed.get("layer").asInt());
        assertEquals(3 * DemoModels.SHAPE.tensors().size(), analysis.get("retention").size());
        String html = Files.readString(report);
        assertTrue(html.contains("<svg"), "the report has charts");
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".partial")));
        }
    }

    @Test
    void modelsWithoutABaseAreWarnedAboutAndGetSlerp() {
        Path a = TestModels.model(dir, "a", TestModels.SMALL, 0.25f);
        Path b = TestModels.model(dir, "b", TestModels.SMALL, -0.25f);
        Path config = TestModels.config(dir, """
                merge_method: linear
                models:
                  - model: %s
                    parameters: {weight: 0.5}
                  - model: %s
                    parameters: {weight: 0.5}
                """.formatted(a, b));
        MergeCommandTest.Run r = cli("analyze", config.toString(), "--device", "cpu");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("recommendation: slerp"), r.out());
        assertTrue(r.out().contains("warning: models share no base: task-vector methods do not apply"), r.out());
        assertTrue(r.out().contains("angle"), "the SLERP angle column: " + r.out());
    }

    @Test
    void oppositeModelsConflictCompletely() {
        Path base = TestModels.model(dir, "base", TestModels.SMALL, 0f);
        Path up = TestModels.model(dir, "up", TestModels.SMALL, 0.25f);
        Path down = TestModels.model(dir, "down", TestModels.SMALL, -0.25f);
        Path config = TestModels.config(dir, """
                merge_method: task_arithmetic
                base_model: %s
                models:
                  - model: %s
                    parameters: {weight: 1}
                  - model: %s
                    parameters: {weight: 1}
                """.formatted(base, up, down));
        MergeCommandTest.Run r = cli("analyze", config.toString(), "--device", "cpu", "--quiet");
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.out(), "--quiet prints nothing");
        r = cli("analyze", config.toString(), "--device", "cpu");
        assertTrue(r.out().contains("100.0%"), r.out());
        assertTrue(r.out().contains("recommendation: ties"), r.out());
        assertFalse(r.out().contains("warning"), r.out());
    }

    @Test
    void aMissingMergedDirectoryIsAUserError() {
        Path a = TestModels.model(dir, "a", TestModels.SMALL, 0.25f);
        Path config = TestModels.config(dir, """
                merge_method: task_arithmetic
                base_model: %1$s
                models:
                  - model: %1$s
                    parameters: {weight: 1}
                """.formatted(a));
        MergeCommandTest.Run r = cli("analyze", config.toString(), "--device", "cpu", "--merged",
                dir.resolve("nowhere").toString());
        assertEquals(Main.FAILED, r.status(), r.out());
        assertTrue(r.err().contains("nowhere: no such file or directory"), r.err());
    }
}
