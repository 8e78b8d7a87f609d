package dev.crucible.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes {@code model.safetensors.index.json} for a checkpoint of several shards (formats.md §6.1), laid
 * out as Python's {@code json.dump(..., indent=2)} does, through a temporary file and an atomic rename.
 * It is the last file of a merge: its presence marks the shards as complete.
 */
public final class ShardIndex {
    public static final String FILE_NAME = "model.safetensors.index.json";

    private static final String TOTAL_SIZE = "total_size";

    private static final JsonFactory JSON = new JsonFactory();

    // Python's layout: two-space indent, "key": value, no space before the colon.
    private static final DefaultPrettyPrinter PYTHON_INDENT_2 = new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withSeparators(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER));

    private ShardIndex() {
    }

    /**
     * @param extraMetadata written after {@code total_size} and {@code "format":"pt"}; it may replace
     *                      "format" but never the computed total_size
     */
    public static void write(Path outDir, ShardPlan plan, Map<String, String> extraMetadata) {
        if (plan.shards().size() < 2) {
            throw new IllegalArgumentException("an index is written only for more than one shard");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.putAll(extraMetadata);
        metadata.remove(TOTAL_SIZE);
        try (AtomicFile file = AtomicFile.create(outDir.resolve(FILE_NAME))) {
            file.write(MemorySegment.ofArray(json(plan.totalDataBytes(), metadata, plan.weightMap())));
            file.commit();
        }
    }

    private static byte[] json(long totalSize, Map<String, String> metadata, Map<String, String> weightMap) {
        var out = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(out).setPrettyPrinter(PYTHON_INDENT_2)) {
            json.writeStartObject();
            json.writeObjectFieldStart("metadata");
            json.writeNumberField(TOTAL_SIZE, totalSize);
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                json.writeStringField(e.getKey(), e.getValue());
            }
            json.writeEndObject();
            json.writeObjectFieldStart("weight_map");
            for (Map.Entry<String, String> e : weightMap.entrySet()) {
                json.writeStringField(e.getKey(), e.getValue());
            }
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the shard index: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
