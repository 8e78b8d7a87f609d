package dev.crucible.fuzz;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crucible.fuzz.Corpus.TextSeed;
import dev.crucible.io.Checkpoint;
import dev.crucible.io.FormatException;
import dev.crucible.io.ShardIndex;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Fuzzes the sharded-checkpoint reader (formats.md §6.1) through {@link Checkpoint#open}: the index is rewritten for
 * each input, next to real shards and to entries a hostile index can point at: links out of the directory, to a
 * directory, to nothing and to each other, a directory, a named pipe, an empty file, garbage, a sparse 1 TiB shard
 * and a small one whose header claims 2^60 bytes. Only FormatException may escape.
 */
@AddLifecycleHook(FuzzBudget.class)
class IndexFuzzTest {
    private static final Path ROOT = Corpus.temporaryDirectory("crucible-index-fuzz");
    private static final Path CHECKPOINT = checkpointWithTraps();
    private static final Path INDEX = CHECKPOINT.resolve(ShardIndex.FILE_NAME);
    /** The index is parsed into a tree; the shards' headers, a few kilobytes, are the fixed part. */
    private static final FuzzTarget OPEN = new FuzzTarget("Checkpoint.open", FormatException.class,
            FuzzTarget.AllocationBudget.linear(64, 16L << 20));
    private static final List<TextSeed> SEEDS = Corpus.indexes();
    private static final Map<String, String> WEIGHT_MAP = weightMap(Corpus.shardedCheckpoint());
    private static final List<String> SHARD_NAMES = fileNames(CHECKPOINT);
    /** Shard names worth trying: every entry of the directory, and names that must never be followed. */
    private static final List<String> HOSTILE_NAMES = Stream.concat(SHARD_NAMES.stream(), Stream.of(
                    "/etc/passwd", ROOT.resolve("outside.safetensors").toString(), "../outside.safetensors", "..",
                    ".", "", "sub.safetensors/x", "sub\\x.safetensors", "C:\\x.safetensors", "%2e%2e", "a\u0000b",
                    "n".repeat(300), "missing.safetensors", "/dev/zero", "/proc/self/fd/0"))
            .toList();
    private static final Grammar INDEX_JSON = Grammar.json(Stream.concat(
            HOSTILE_NAMES.stream().map(IndexFuzzTest::jsonString),
            Stream.of("\"weight_map\"", "\"metadata\"", "\"total_size\"", "\"model.norm.weight\"",
                    "\"lm_head.weight\"", "\"huge\"")).toList(), 1 << 20);
    private static final List<String> ODD_VALUES = List.of("1", "null", "[]", "{}", "true", "[\"a.safetensors\"]",
            "{\"file\":\"a.safetensors\",\"offset\":0,\"size\":1}", "\"" + "x".repeat(100_000) + "\"");

    /** A change to the weight map of the tiny sharded Llama's index. */
    record EntryEdit(Kind kind, int entry, String value) {
        enum Kind { REPLACE_VALUE, ADD_ENTRY, REMOVE_ENTRY }
    }

    @Property(tries = 2000, generation = GenerationMode.RANDOMIZED, edgeCases = EdgeCasesMode.NONE,
            shrinking = ShrinkingMode.BOUNDED)
    void editedIndexFiles(@ForAll("seeds") TextSeed seed, @ForAll("edits") List<Edit> edits) {
        open(INDEX_JSON.apply(seed.bytes(), edits));
    }

    @Property(tries = 2000, generation = GenerationMode.RANDOMIZED, edgeCases = EdgeCasesMode.NONE,
            shrinking = ShrinkingMode.BOUNDED)
    void hostileWeightMaps(@ForAll("entryEdits") List<EntryEdit> edits) {
        List<Map.Entry<String, String>> entries = new ArrayList<>();
        WEIGHT_MAP.forEach((tensor, shard) -> entries.add(Map.entry(jsonString(tensor), jsonString(shard))));
        for (EntryEdit e : edits) {
            int k = e.entry() % entries.size();
            switch (e.kind()) {
                case REPLACE_VALUE -> entries.set(k, Map.entry(entries.get(k).getKey(), e.value()));
                // The name of an existing tensor: a second entry for it, mapped elsewhere.
                case ADD_ENTRY -> entries.add(Map.entry(entries.get(k).getKey(), e.value()));
                case REMOVE_ENTRY -> entries.remove(k);
            }
            if (entries.isEmpty()) {
                break;
            }
        }
        StringBuilder json = new StringBuilder("{\"metadata\":{\"total_size\":1},\"weight_map\":{");
        for (int i = 0; i < entries.size(); i++) {
            Map.Entry<String, String> entry = entries.get(i);
            json.append(i == 0 ? "" : ",").append(entry.getKey()).append(':').append(entry.getValue());
        }
        open(json.append("}}").toString().getBytes(StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<TextSeed> seeds() {
        return Arbitraries.of(SEEDS);
    }

    @Provide
    Arbitrary<List<Edit>> edits() {
        return Grammar.edits();
    }

    @Provide
    Arbitrary<List<EntryEdit>> entryEdits() {
        Arbitrary<String> value = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of(HOSTILE_NAMES).map(IndexFuzzTest::jsonString)),
                Tuple.of(1, Arbitraries.of(ODD_VALUES)));
        return Combinators.combine(Arbitraries.of(EntryEdit.Kind.class), Arbitraries.integers().between(0, 1000),
                        value)
                .as(EntryEdit::new)
                .list().ofMinSize(1).ofMaxSize(4);
    }

    private static void open(byte[] index) {
        Corpus.overwrite(INDEX, index);
        OPEN.check(index, CHECKPOINT.toString(), () -> Checkpoint.open(CHECKPOINT));
    }

    /** The tiny sharded Llama, its index included, plus entries a hostile index may name. */
    private static Path checkpointWithTraps() {
        try {
            Path dir = Files.createDirectory(ROOT.resolve("checkpoint"));
            for (String name : fileNames(Corpus.shardedCheckpoint())) {
                Files.copy(Corpus.shardedCheckpoint().resolve(name), dir.resolve(name));
            }
            Path aShard = dir.resolve(weightMap(dir).values().iterator().next());
            Files.copy(aShard, ROOT.resolve("outside.safetensors"));
            Files.createDirectory(ROOT.resolve("outside-dir"));
            Files.createSymbolicLink(dir.resolve("link-in.safetensors"), aShard.getFileName());
            Files.createSymbolicLink(dir.resolve("link-out.safetensors"), Path.of("../outside.safetensors"));
            Files.createSymbolicLink(dir.resolve("link-absolute.safetensors"), ROOT.resolve("outside.safetensors"));
            Files.createSymbolicLink(dir.resolve("link-dir.safetensors"), Path.of("../outside-dir"));
            Files.createSymbolicLink(dir.resolve("link-root"), Path.of("/"));
            Files.createSymbolicLink(dir.resolve("link-dangling.safetensors"), Path.of("missing.safetensors"));
            Files.createSymbolicLink(dir.resolve("loop-a.safetensors"), Path.of("loop-b.safetensors"));
            Files.createSymbolicLink(dir.resolve("loop-b.safetensors"), Path.of("loop-a.safetensors"));
            Files.createDirectory(dir.resolve("sub.safetensors"));
            Files.createFile(dir.resolve("empty.safetensors"));
            Files.writeString(dir.resolve("garbage.safetensors"), "GIF89a not a checkpoint at all");
            Files.copy(aShard, dir.resolve("copy.safetensors")); // the same tensors in a second shard
            namedPipe(dir.resolve("pipe.safetensors"));
            sparseFile(dir.resolve("huge.safetensors"), 1L << 40, 1L << 40);
            sparseFile(dir.resolve("claims-2-60.safetensors"), 4096, 1L << 60);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file of {@code size} bytes, a hole after its header, which holds one U8 tensor of {@code claimed} bytes. */
    private static void sparseFile(Path file, long size, long claimed) throws IOException {
        String json = "{\"huge\":{\"dtype\":\"U8\",\"shape\":[" + claimed + "],\"data_offsets\":[0," + claimed + "]}}";
        byte[] header = json.getBytes(StandardCharsets.US_ASCII);
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.setLength(size);
            out.write(ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            out.write(header);
        }
    }

    private static void namedPipe(Path file) throws IOException {
        try {
            if (new ProcessBuilder("mkfifo", file.toString()).inheritIO().start().waitFor() != 0) {
                throw new IOException("mkfifo " + file + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> weightMap(Path checkpoint) {
        try {
            Map<String, Object> index = new ObjectMapper().readValue(
                    checkpoint.resolve(ShardIndex.FILE_NAME).toFile(), LinkedHashMap.class);
            return (Map<String, String>) index.get("weight_map");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> fileNames(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String jsonString(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
