package dev.crucible.io;

import static dev.crucible.io.Fixtures.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardIndexTest {
    @TempDir
    Path dir;

    @Test
    void writesPythonStyleJsonWithSortedWeightMap() throws Exception {
        var plan = ShardPlan.plan(List.of(spec("z", DType.F32, 10), spec("y", DType.F32, 10), spec("a", DType.U8, 1)),
                50, Map.of());
        var extra = new LinkedHashMap<String, String>();
        extra.put("mergekit_version", "0.1.4");
        extra.put("total_size", "ignored: the computed value wins");
        ShardIndex.write(dir, plan, extra);

        String expected = """
                {
                  "metadata": {
                    "total_size": 81,
                    "format": "pt",
                    "mergekit_version": "0.1.4"
                  },
                  "weight_map": {
                    "a": "model-00002-of-00002.safetensors",
                    "y": "model-00002-of-00002.safetensors",
                    "z": "model-00001-of-00002.safetensors"
                  }
                }""";
        assertEquals(expected, Files.readString(dir.resolve(ShardIndex.FILE_NAME)));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(dir.resolve(ShardIndex.FILE_NAME)), files.toList()); // no temporary left
        }
    }

    @Test
    void aSingleShardHasNoIndex() {
        var plan = ShardPlan.plan(List.of(spec("w", DType.F32, 1)), 100, Map.of());
        assertThrows(IllegalArgumentException.class, () -> ShardIndex.write(dir, plan, Map.of()));
    }
}
