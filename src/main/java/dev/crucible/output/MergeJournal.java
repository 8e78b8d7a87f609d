package dev.crucible.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crucible.CrucibleException;
import dev.crucible.exec.ShardLog;
import dev.crucible.io.LineLog;
import dev.crucible.io.ShardPlan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The merge journal, {@code OUT/.crucible-journal.jsonl}: JSON lines, the first naming the merge's
 * {@link MergeIdentity}, then one per committed shard with its file name, size and CRC-32C, appended durably once the
 * shard is on the device under its final name. It is what {@code merge --resume} continues from and what
 * {@code crucible verify} checks the shards against, so it stays in the finished checkpoint (transformers reads only
 * config.json, the index and *.safetensors, and ignores it).
 *
 * <pre>{"crucible_journal":1,"identity":{"crucible_version":"0.1.0","config_sha256":"…",…}}
 * {"shard":"model-00001-of-00003.safetensors","size":4999999488,"crc32c":"…"}</pre>
 */
public final class MergeJournal implements ShardLog, AutoCloseable {
    public static final String FILE_NAME = ".crucible-journal.jsonl";
    private static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One committed shard. */
    public record Entry(String shard, long size, String crc32c) {
    }

    /** What a journal file says: the identity, and the shards committed, by name (a later entry wins). */
    public record Contents(MergeIdentity identity, Map<String, Entry> shards) {
        public Contents {
            shards = Map.copyOf(shards);
        }
    }

    private final LineLog log;
    private final Set<String> complete;

    private MergeJournal(LineLog log, Set<String> complete) {
        this.log = log;
        this.complete = complete;
    }

    /** Starts the journal of a new merge in {@code dir}, replacing any other. */
    static MergeJournal start(Path dir, MergeIdentity identity) {
        return new MergeJournal(LineLog.create(dir.resolve(FILE_NAME), List.of(header(identity))), new TreeSet<>());
    }

    /**
     * Continues a merge: the journal is rewritten with {@code complete}, the shards found intact on disk (a record cut
     * short by the crash, or of a shard found damaged, is dropped), and those shards are skipped.
     */
    static MergeJournal resume(Path dir, MergeIdentity identity, List<Entry> complete) {
        List<String> lines = new ArrayList<>();
        lines.add(header(identity));
        complete.forEach(e -> lines.add(line(e)));
        Set<String> names = new TreeSet<>();
        complete.forEach(e -> names.add(e.shard()));
        return new MergeJournal(LineLog.create(dir.resolve(FILE_NAME), lines), names);
    }

    /**
     * Reads the journal in {@code dir}; empty when there is none.
     *
     * @throws CrucibleException if it exists but cannot be read or is not a journal
     */
    public static Optional<Contents> read(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        Optional<List<String>> lines = LineLog.read(file);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        if (lines.get().isEmpty()) {
            throw malformed(file, 1, "the first line is missing");
        }
        MergeIdentity identity;
        try {
            JsonNode head = JSON.readTree(lines.get().getFirst());
            if (head == null || head.path("crucible_journal").asInt() != FORMAT) {
                throw malformed(file, 1, "not the header of a version-" + FORMAT + " journal");
            }
            identity = MergeIdentity.fromJson(head.path("identity"));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw malformed(file, 1, "bad header (" + e.getMessage() + ")");
        }
        Map<String, Entry> shards = new LinkedHashMap<>();
        for (int i = 1; i < lines.get().size(); i++) {
            Entry e = entry(file, i + 1, lines.get().get(i));
            shards.put(e.shard(), e);
        }
        return Optional.of(new Contents(identity, shards));
    }

    @Override
    public boolean isComplete(ShardPlan.Shard shard) {
        return complete.contains(shard.fileName());
    }

    /** Shards complete so far. */
    public int completeCount() {
        return complete.size();
    }

    @Override
    public void committed(ShardPlan.Shard shard, Path file, long size, String crc32c) {
        log.append(line(new Entry(shard.fileName(), size, crc32c)));
        complete.add(shard.fileName());
    }

    @Override
    public void close() {
        log.close();
    }

    private static String header(MergeIdentity identity) {
        ObjectNode o = JSON.createObjectNode();
        o.put("crucible_journal", FORMAT);
        o.set("identity", identity.toJson());
        return o.toString();
    }

    private static String line(Entry e) {
        return JSON.createObjectNode().put("shard", e.shard()).put("size", e.size()).put("crc32c", e.crc32c())
                .toString();
    }

    private static Entry entry(Path file, int lineNumber, String text) {
        try {
            JsonNode o = JSON.readTree(text);
            if (o != null && o.path("shard").isTextual() && o.path("size").isIntegralNumber()
                    && o.path("crc32c").isTextual()) {
                return new Entry(o.get("shard").textValue(), o.get("size").longValue(), o.get("crc32c").textValue());
            }
        } catch (JsonProcessingException e) {
            // reported below
        }
        throw malformed(file, lineNumber, "not a shard record");
    }

    private static CrucibleException malformed(Path file, int line, String what) {
        return new CrucibleException(file + ":" + line + ": " + what + "; it is not a journal this version of"
                + " Crucible can continue from: remove the directory and merge again");
    }
}
