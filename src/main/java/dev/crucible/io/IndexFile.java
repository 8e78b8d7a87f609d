package dev.crucible.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crucible.UserText;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a checkpoint's {@code model.safetensors.index.json} (formats.md §6.1): only the weight map is
 * used. Shard names come from an untrusted file, so each must be a plain file name whose real path, after
 * following symlinks, stays inside the checkpoint directory.
 */
final class IndexFile {
    private final Path file;
    private final Map<String, String> weightMap;

    private IndexFile(Path file, Map<String, String> weightMap) {
        this.file = file;
        this.weightMap = weightMap;
    }

    static IndexFile read(Path file) {
        JsonNode map = StrictJson.readFile(file).get("weight_map");
        if (map == null || !map.isObject()) {
            throw new FormatException(file + ": no \"weight_map\" object");
        }
        Map<String, String> weightMap = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            if (!e.getValue().isTextual()) {
                throw new FormatException(file + ": weight_map entry for tensor " + UserText.quote(e.getKey())
                        + " is not a file name string");
            }
            weightMap.put(e.getKey(), e.getValue().asText());
        }
        return new IndexFile(file, Collections.unmodifiableMap(weightMap));
    }

    Path path() {
        return file;
    }

    /** Tensor name to shard file name, in file order. */
    Map<String, String> weightMap() {
        return weightMap;
    }

    /**
     * The path inside {@code directory} of the shard the weight map names for {@code tensor}.
     *
     * @throws FormatException if the name is not a plain file name, the file is missing, or a symlink
     *                         leads outside the directory
     */
    Path resolveShard(Path directory, String tensor, String shardName) {
        String entry = file + ": tensor " + UserText.quote(tensor) + ": weight_map entry " + UserText.quote(shardName);
        if (shardName.isEmpty() || shardName.contains("/") || shardName.contains("\\") || shardName.contains("..")
                || shardName.indexOf('\0') >= 0) {
            throw new FormatException(entry + " is not a plain file name in the checkpoint directory");
        }
        Path shard;
        try {
            shard = directory.resolve(shardName);
        } catch (InvalidPathException e) {
            // e.g. an unpaired surrogate, which no file name encoding can represent
            throw new FormatException(entry + " is not a valid file name: " + e.getReason(), e);
        }
        Path realShard;
        Path realDirectory;
        try {
            realDirectory = directory.toRealPath();
            realShard = shard.toRealPath();
        } catch (IOException e) {
            throw new FormatException(entry + ": " + IoErrors.reason(e), e);
        }
        if (!realShard.startsWith(realDirectory)) {
            throw new FormatException(entry + " leads to " + realShard + ", outside the checkpoint directory");
        }
        return shard;
    }
}
