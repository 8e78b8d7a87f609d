package dev.crucible.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crucible.Version;
import dev.crucible.io.FileHash;
import dev.crucible.io.FileStamp;
import dev.crucible.io.ShardPlan;
import dev.crucible.plan.MergePlan;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What makes two merges produce the same shards: the exact config text, the input weight files (path, size and
 * modification time), the seed, the planning switches, the shard layout (every shard's name and header, which fix
 * tensor names, dtypes, shapes and offsets) and Crucible's version. A merge is resumed only under an identical
 * identity; otherwise {@link #differences} says what changed. The engine is not part of it: every engine writes the
 * same bytes (DESIGN.md, "one truth, three engines").
 *
 * @param seed      unsigned decimal
 * @param shardSize --out-shard-size in bytes
 */
public record MergeIdentity(String crucibleVersion, String configSha256, String method, String seed,
                            boolean allowCrimes, long shardSize, int shards, String layoutSha256,
                            List<FileStamp> inputs) {
    public MergeIdentity {
        Objects.requireNonNull(crucibleVersion);
        Objects.requireNonNull(configSha256);
        Objects.requireNonNull(method);
        Objects.requireNonNull(seed);
        Objects.requireNonNull(layoutSha256);
        inputs = List.copyOf(inputs);
    }

    public static MergeIdentity of(MergePlan plan, List<FileStamp> inputs, long seed, boolean allowCrimes,
                                   long shardSize, ShardPlan shards) {
        MessageDigest config = FileHash.sha256();
        config.update(plan.config().sourceText().getBytes(StandardCharsets.UTF_8));
        return new MergeIdentity(Version.get(), FileHash.hex(config), plan.method().info().name(),
                Long.toUnsignedString(seed), allowCrimes, shardSize, shards.shards().size(), layoutSha256(shards),
                inputs);
    }

    /** SHA-256 over every shard's file name and header bytes, in order. */
    static String layoutSha256(ShardPlan shards) {
        MessageDigest layout = FileHash.sha256();
        for (ShardPlan.Shard s : shards.shards()) {
            layout.update((s.fileName() + "\n").getBytes(StandardCharsets.UTF_8));
            layout.update(s.layout().headerBytes());
        }
        return FileHash.hex(layout);
    }

    /** How this (new) identity differs from {@code recorded}, one phrase per difference; empty when identical. */
    public List<String> differences(MergeIdentity recorded) {
        List<String> d = new ArrayList<>();
        if (!configSha256.equals(recorded.configSha256)) {
            d.add("the config text is not the one the unfinished merge used");
        }
        if (!seed.equals(recorded.seed)) {
            d.add("seed " + seed + ", was " + recorded.seed);
        }
        if (allowCrimes != recorded.allowCrimes) {
            d.add("--allow-crimes " + (allowCrimes ? "given, was not" : "not given, was"));
        }
        if (shardSize != recorded.shardSize) {
            d.add("--out-shard-size " + shardSize + " bytes, was " + recorded.shardSize);
        } else if (!layoutSha256.equals(recorded.layoutSha256)) {
            d.add("the planned shards differ (tensor names, dtypes or shapes)");
        }
        if (!crucibleVersion.equals(recorded.crucibleVersion)) {
            d.add("Crucible " + crucibleVersion + ", was " + recorded.crucibleVersion);
        }
        Map<Path, FileStamp> before = new LinkedHashMap<>();
        recorded.inputs.forEach(s -> before.put(s.path(), s));
        for (FileStamp now : inputs) {
            FileStamp then = before.remove(now.path());
            if (then == null) {
                d.add("input " + now.path() + " was not read by the unfinished merge");
            } else {
                then.differenceTo(now).ifPresent(c -> d.add("input " + now.path() + " changed since (" + c + ")"));
            }
        }
        before.keySet().forEach(p -> d.add("input " + p + " of the unfinished merge is not read now"));
        return d;
    }

    ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("crucible_version", crucibleVersion);
        o.put("config_sha256", configSha256);
        o.put("merge_method", method);
        o.put("seed", seed);
        o.put("allow_crimes", allowCrimes);
        o.put("out_shard_size", shardSize);
        o.put("shards", shards);
        o.put("layout_sha256", layoutSha256);
        var list = o.putArray("inputs");
        for (FileStamp s : inputs) {
            list.addObject().put("path", s.path().toString()).put("size", s.size())
                    .put("mtime_ns", s.modifiedNanos());
        }
        return o;
    }

    /** @throws IllegalArgumentException naming the first missing or mistyped field */
    static MergeIdentity fromJson(JsonNode o) {
        List<FileStamp> inputs = new ArrayList<>();
        for (JsonNode in : array(o, "inputs")) {
            inputs.add(new FileStamp(Path.of(text(in, "path")), number(in, "size"), number(in, "mtime_ns")));
        }
        JsonNode crimes = o.get("allow_crimes");
        if (crimes == null || !crimes.isBoolean()) {
            throw new IllegalArgumentException("allow_crimes");
        }
        return new MergeIdentity(text(o, "crucible_version"), text(o, "config_sha256"), text(o, "merge_method"),
                text(o, "seed"), crimes.booleanValue(), number(o, "out_shard_size"),
                Math.toIntExact(number(o, "shards")), text(o, "layout_sha256"), inputs);
    }

    private static String text(JsonNode o, String key) {
        JsonNode v = o.get(key);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(key);
        }
        return v.textValue();
    }

    private static long number(JsonNode o, String key) {
        JsonNode v = o.get(key);
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException(key);
        }
        return v.longValue();
    }

    private static JsonNode array(JsonNode o, String key) {
        JsonNode v = o.get(key);
        if (v == null || !v.isArray()) {
            throw new IllegalArgumentException(key);
        }
        return v;
    }
}
