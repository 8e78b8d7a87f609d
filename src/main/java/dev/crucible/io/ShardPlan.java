package dev.crucible.io;

import dev.crucible.UserText;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The complete output file plan, fixed before any data is written (formats.md §6.3): tensors are assigned
 * greedily in plan order with mergekit's rule, so shard boundaries and names match mergekit's, and every
 * shard's header is known up front.
 */
public final class ShardPlan {
    /** One output file: its final name and byte layout. */
    public record Shard(String fileName, SafetensorsLayout layout) {
    }

    private final List<Shard> shards;
    private final long totalDataBytes;
    private final Map<String, String> weightMap;

    private ShardPlan(List<Shard> shards) {
        this.shards = List.copyOf(shards);
        var map = new TreeMap<String, String>(Utf8Order::compare);
        long total = 0;
        for (Shard s : shards) {
            for (TensorInfo t : s.layout().tensors()) {
                map.put(t.name(), s.fileName());
                total += t.byteSize();
            }
        }
        this.weightMap = Collections.unmodifiableSortedMap(map);
        this.totalDataBytes = total;
    }

    /**
     * @param maxShardBytes limit on tensor data bytes per shard; a larger tensor gets a shard of its own
     * @param metadata      extra header metadata for every shard
     */
    public static ShardPlan plan(List<TensorSpec> inPlanOrder, long maxShardBytes, Map<String, String> metadata) {
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("shard size limit must be positive, got " + maxShardBytes);
        }
        Set<String> names = new HashSet<>();
        List<List<TensorSpec>> groups = new ArrayList<>();
        List<TensorSpec> current = new ArrayList<>();
        long currentBytes = 0;
        for (TensorSpec t : inPlanOrder) {
            if (!names.add(t.name())) {
                throw new IllegalArgumentException("duplicate output tensor " + UserText.quote(t.name()));
            }
            // mergekit's test "current + size > limit", written so that it cannot overflow.
            if (!current.isEmpty() && t.byteSize() > maxShardBytes - currentBytes) {
                groups.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(t);
            currentBytes += t.byteSize();
        }
        groups.add(current);
        List<Shard> shards = new ArrayList<>(groups.size());
        for (int i = 0; i < groups.size(); i++) {
            shards.add(new Shard(fileName(i + 1, groups.size()), SafetensorsLayout.of(metadata, groups.get(i))));
        }
        return new ShardPlan(shards);
    }

    private static String fileName(int index, int count) {
        return count == 1 ? "model.safetensors" : String.format("model-%05d-of-%05d.safetensors", index, count);
    }

    /** In file-name order. */
    public List<Shard> shards() {
        return shards;
    }

    /** Sum of tensor data bytes, the index's {@code total_size}. */
    public long totalDataBytes() {
        return totalDataBytes;
    }

    /** Tensor name to shard file name, sorted by tensor name (byte-wise UTF-8). */
    public Map<String, String> weightMap() {
        return weightMap;
    }
}
