package dev.crucible.io;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crucible.UserText;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * An input checkpoint (formats.md §6.2): a directory holding {@code model.safetensors.index.json}
 * (preferred) or {@code model.safetensors}, or the path of a single .safetensors file. Every shard is
 * mapped once and cross-checked against the index, so each tensor has exactly one trusted location.
 */
public final class Checkpoint implements AutoCloseable {
    private static final String SINGLE_FILE = "model.safetensors";
    private static final int LISTED_NAMES = 20;

    /** Where one tensor lives. */
    private record Location(SafetensorsFile file, TensorInfo info) {
    }

    private final Path directory;
    private final List<SafetensorsFile> shards;
    private final Map<String, Location> tensors;

    private Checkpoint(Path directory, List<SafetensorsFile> shards, Map<String, Location> tensors) {
        this.directory = directory;
        this.shards = shards;
        this.tensors = tensors;
    }

    /** @throws FormatException naming what was found when the path holds neither layout */
    public static Checkpoint open(Path path) {
        if (Files.isRegularFile(path)) {
            // A bare file name has no parent; the absolute path always has one.
            return single(path.getParent() != null ? path.getParent() : path.toAbsolutePath().getParent(), path);
        }
        if (!Files.isDirectory(path)) {
            throw new FormatException(path + ": no such file or directory");
        }
        Path index = path.resolve(ShardIndex.FILE_NAME);
        if (Files.exists(index)) {
            return sharded(path, IndexFile.read(index));
        }
        if (Files.exists(path.resolve(SINGLE_FILE))) {
            return single(path, path.resolve(SINGLE_FILE));
        }
        throw new FormatException(path + ": no " + ShardIndex.FILE_NAME + " or " + SINGLE_FILE + " (found: "
                + listing(path) + ")");
    }

    /**
     * The weight file names of checkpoint directory {@code path}, without opening them: the shards its index maps
     * tensors to, in order of first appearance, or {@code model.safetensors}; empty when it has neither.
     *
     * @throws FormatException if the index cannot be read or names a file outside the directory
     */
    public static List<String> weightFileNames(Path path) {
        Path index = path.resolve(ShardIndex.FILE_NAME);
        if (Files.exists(index)) {
            IndexFile file = IndexFile.read(index);
            List<String> names = file.weightMap().values().stream().distinct().toList();
            for (String name : names) {
                if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.contains("..")
                        || name.indexOf('\0') >= 0) {
                    throw new FormatException(index + ": weight_map entry " + UserText.quote(name)
                            + " is not a plain file name in the checkpoint directory");
                }
            }
            return names;
        }
        return Files.exists(path.resolve(SINGLE_FILE)) ? List.of(SINGLE_FILE) : List.of();
    }

    private static Checkpoint single(Path directory, Path file) {
        SafetensorsFile shard = SafetensorsFile.open(file);
        Map<String, Location> tensors = new TreeMap<>(Utf8Order::compare);
        shard.header().tensors().forEach(t -> tensors.put(t.name(), new Location(shard, t)));
        return new Checkpoint(directory, List.of(shard), Collections.unmodifiableMap(tensors));
    }

    private static Checkpoint sharded(Path directory, IndexFile index) {
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        try {
            Map<String, Location> tensors = new TreeMap<>(Utf8Order::compare);
            for (Map.Entry<String, String> entry : index.weightMap().entrySet()) {
                String shardName = entry.getValue();
                if (!shards.containsKey(shardName)) {
                    Path file = index.resolveShard(directory, entry.getKey(), shardName);
                    shards.put(shardName, SafetensorsFile.open(file));
                }
                SafetensorsFile shard = shards.get(shardName);
                TensorInfo info = shard.header().tensor(entry.getKey()).orElseThrow(() -> new FormatException(
                        index.path() + ": tensor " + UserText.quote(entry.getKey())
                                + " is mapped to " + shardName + ", which does not contain it"));
                tensors.put(entry.getKey(), new Location(shard, info));
            }
            for (SafetensorsFile shard : shards.values()) {
                for (TensorInfo t : shard.header().tensors()) {
                    Location mapped = tensors.get(t.name());
                    if (mapped == null || mapped.file() != shard) {
                        throw new FormatException(shard.path() + ": tensor " + UserText.quote(t.name())
                                + " is not mapped to this shard in " + ShardIndex.FILE_NAME);
                    }
                }
            }
            return new Checkpoint(directory, List.copyOf(shards.values()), Collections.unmodifiableMap(tensors));
        } catch (RuntimeException e) {
            shards.values().forEach(SafetensorsFile::close);
            throw e;
        }
    }

    private static String listing(Path directory) {
        try (Stream<Path> entries = Files.list(directory)) {
            List<String> names = entries.map(p -> p.getFileName().toString()).sorted().toList();
            if (names.isEmpty()) {
                return "nothing, the directory is empty";
            }
            String shown = String.join(", ", names.subList(0, Math.min(LISTED_NAMES, names.size())));
            return names.size() > LISTED_NAMES ? shown + " and " + (names.size() - LISTED_NAMES) + " more" : shown;
        } catch (IOException e) {
            return "unreadable: " + IoErrors.reason(e);
        }
    }

    /** The checkpoint's folder; for a single-file path, the file's parent. */
    public Path directory() {
        return directory;
    }

    /** Sorted by name (byte-wise UTF-8). */
    public List<String> tensorNames() {
        return List.copyOf(tensors.keySet());
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    /** @throws FormatException if the checkpoint has no such tensor */
    public TensorInfo info(String name) {
        return locate(name).info();
    }

    /** The tensor's bytes, a read-only slice of its mapped shard, valid until {@link #close()}. */
    public MemorySegment data(String name) {
        Location at = locate(name);
        return at.file().data(at.info());
    }

    public String shardFileName(String name) {
        return locate(name).file().path().getFileName().toString();
    }

    /** In index order of first appearance. */
    public List<Path> shardFiles() {
        return shards.stream().map(SafetensorsFile::path).toList();
    }

    /** Size and modification time of each shard file when it was opened, in {@link #shardFiles()} order. */
    public List<FileStamp> stamps() {
        return shards.stream().map(SafetensorsFile::stamp).toList();
    }

    /** Sum of tensor data bytes. */
    public long totalBytes() {
        return tensors.values().stream().mapToLong(l -> l.info().byteSize()).sum();
    }

    /** The parsed {@code config.json}, freshly read on each call so callers may edit it; empty if absent. */
    public Optional<ObjectNode> config() {
        Path file = directory.resolve("config.json");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        if (StrictJson.readFile(file) instanceof ObjectNode object) {
            return Optional.of(object);
        }
        throw new FormatException(file + ": not a JSON object");
    }

    /** Unmaps every shard. */
    @Override
    public void close() {
        shards.forEach(SafetensorsFile::close);
    }

    private Location locate(String name) {
        Location at = tensors.get(name);
        if (at == null) {
            throw new FormatException(directory + ": no tensor " + UserText.quote(name));
        }
        return at;
    }
}
