package dev.crucible.io;

import static dev.crucible.io.Fixtures.spec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crucible.UserText;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CheckpointTest {
    @TempDir
    Path root;
    Path dir;

    @BeforeEach
    void checkpointDirectory() throws Exception {
        dir = Files.createDirectory(root.resolve("ckpt"));
    }

    @Test
    void aSingleFilePath() {
        Path file = Fixtures.shard(dir, "weights.safetensors", spec("b", DType.BF16, 3), spec("a", DType.F32, 2));
        try (Checkpoint ckpt = Checkpoint.open(file)) {
            assertEquals(dir, ckpt.directory());
            assertEquals(List.of("a", "b"), ckpt.tensorNames());
            assertTrue(ckpt.has("a"));
            assertFalse(ckpt.has("c"));
            assertEquals(DType.BF16, ckpt.info("b").dtype());
            assertArrayEquals(Fixtures.content(ckpt.info("a")), Fixtures.bytes(ckpt.data("a")));
            assertEquals("weights.safetensors", ckpt.shardFileName("b"));
            assertEquals(List.of(file), ckpt.shardFiles());
            assertEquals(14, ckpt.totalBytes());
        }
    }

    @Test
    void aDirectoryWithModelSafetensors() {
        Fixtures.shard(dir, "model.safetensors", spec("w", DType.F16, 4));
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            assertEquals(dir, ckpt.directory());
            assertEquals(List.of("w"), ckpt.tensorNames());
            assertEquals(List.of(dir.resolve("model.safetensors")), ckpt.shardFiles());
        }
    }

    @Test
    void aShardedCheckpointWrittenByCrucible() {
        var plan = ShardPlan.plan(List.of(spec("z", DType.F32, 10), spec("y", DType.BF16, 10), spec("x", DType.U8, 9)),
                40, Map.of());
        for (ShardPlan.Shard shard : plan.shards()) {
            Fixtures.shard(dir, shard.fileName(), Map.of(), shardSpecs(shard));
        }
        ShardIndex.write(dir, plan, Map.of());
        Fixtures.shard(dir, "model.safetensors", spec("decoy", DType.U8, 1)); // the index is preferred

        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            assertEquals(List.of("x", "y", "z"), ckpt.tensorNames());
            assertEquals("model-00001-of-00002.safetensors", ckpt.shardFileName("z"));
            assertEquals("model-00002-of-00002.safetensors", ckpt.shardFileName("x"));
            // index order of first appearance: weight_map is sorted, x comes first
            assertEquals(List.of(dir.resolve("model-00002-of-00002.safetensors"),
                    dir.resolve("model-00001-of-00002.safetensors")), ckpt.shardFiles());
            for (String name : ckpt.tensorNames()) {
                assertArrayEquals(Fixtures.content(ckpt.info(name)), Fixtures.bytes(ckpt.data(name)), name);
            }
            assertEquals(plan.totalDataBytes(), ckpt.totalBytes());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x.safetensors", "ABSOLUTE", "sub/x.safetensors", "sub\\x.safetensors", "..", ""})
    void hostileShardNamesAreRefused(String entry) throws Exception {
        Path outside = Fixtures.shard(root, "x.safetensors", spec("w", DType.U8, 1));
        Fixtures.shard(Files.createDirectory(dir.resolve("sub")), "x.safetensors", spec("w", DType.U8, 1));
        String shardName = entry.equals("ABSOLUTE") ? outside.toAbsolutePath().toString() : entry;
        index("{'weight_map':{'w':" + jsonString(shardName) + "}}");
        String m = refused();
        assertTrue(m.contains("weight_map entry " + UserText.quote(shardName) + " is not a plain file name"), m);
    }

    @Test
    void aSymlinkLeadingOutsideIsRefused() throws Exception {
        Path outside = Fixtures.shard(root, "outside.safetensors", spec("w", DType.U8, 1));
        Files.createSymbolicLink(dir.resolve("link.safetensors"), outside);
        index("{'weight_map':{'w':'link.safetensors'}}");
        String m = refused();
        assertTrue(m.contains("weight_map entry \"link.safetensors\" leads to " + outside.toRealPath()
                + ", outside the checkpoint directory"), m);
    }

    @Test
    void aSymlinkWithinTheDirectoryIsFine() throws Exception {
        Path real = Fixtures.shard(dir, "real.safetensors", spec("w", DType.U8, 1));
        Files.createSymbolicLink(dir.resolve("link.safetensors"), real.getFileName());
        index("{'weight_map':{'w':'link.safetensors'}}");
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            assertEquals("link.safetensors", ckpt.shardFileName("w"));
        }
    }

    @Test
    void aMissingShardIsRefused() throws Exception {
        index("{'weight_map':{'w':'gone.safetensors'}}");
        assertTrue(refused().endsWith("weight_map entry \"gone.safetensors\": no such file or directory"));
    }

    @Test
    void aTensorMissingFromItsShardIsRefused() throws Exception {
        Fixtures.shard(dir, "a.safetensors", spec("w", DType.U8, 1));
        index("{'weight_map':{'w':'a.safetensors','w2':'a.safetensors'}}");
        assertEquals(dir.resolve(ShardIndex.FILE_NAME) + ": tensor \"w2\" is mapped to a.safetensors, which does not"
                + " contain it", refused());
    }

    @Test
    void aTensorAbsentFromTheWeightMapIsRefused() throws Exception {
        Fixtures.shard(dir, "a.safetensors", spec("w", DType.U8, 1), spec("extra", DType.U8, 1));
        index("{'metadata':{'total_size':2},'weight_map':{'w':'a.safetensors'}}");
        assertEquals(dir.resolve("a.safetensors") + ": tensor \"extra\" is not mapped to this shard in "
                + ShardIndex.FILE_NAME, refused());
    }

    @Test
    void aTensorMappedToAnotherShardIsRefusedInTheOther() throws Exception {
        Fixtures.shard(dir, "a.safetensors", spec("w", DType.U8, 1));
        Fixtures.shard(dir, "b.safetensors", spec("v", DType.U8, 1), spec("w", DType.U8, 1));
        index("{'weight_map':{'w':'a.safetensors','v':'b.safetensors'}}");
        assertTrue(refused().startsWith(dir.resolve("b.safetensors") + ": tensor \"w\" is not mapped"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{'weight_map':", "{'weight_map':{'w':'a','w':'b'}}", "{'weight_map':{}} x"})
    void malformedIndexJsonNamesTheIndex(String json) throws Exception {
        index(json);
        assertTrue(refused().startsWith(dir.resolve(ShardIndex.FILE_NAME) + ": malformed JSON: "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "{'weight_map':[]}", "{}", ""})
    void anIndexWithoutAWeightMapIsRefused(String json) throws Exception {
        index(json);
        assertEquals(dir.resolve(ShardIndex.FILE_NAME) + ": no \"weight_map\" object", refused());
    }

    @Test
    void aNonStringShardNameIsRefused() throws Exception {
        index("{'weight_map':{'w':1}}");
        assertTrue(refused().endsWith("weight_map entry for tensor \"w\" is not a file name string"));
    }

    @Test
    void neitherLayoutListsWhatWasFound() throws Exception {
        Files.writeString(dir.resolve("pytorch_model.bin"), "");
        Files.writeString(dir.resolve("config.json"), "{}");
        assertEquals(dir + ": no model.safetensors.index.json or model.safetensors (found: config.json,"
                + " pytorch_model.bin)", refused());
    }

    @Test
    void anEmptyOrMissingDirectory() {
        assertEquals(dir + ": no model.safetensors.index.json or model.safetensors (found: nothing, the directory is"
                + " empty)", refused());
        Path missing = root.resolve("missing");
        var e = assertThrows(FormatException.class, () -> Checkpoint.open(missing));
        assertEquals(missing + ": no such file or directory", e.getMessage());
    }

    @Test
    void configIsParsedWhenPresent() throws Exception {
        Fixtures.shard(dir, "model.safetensors", spec("w", DType.U8, 1));
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            assertTrue(ckpt.config().isEmpty());
            Files.writeString(dir.resolve("config.json"), "{\"num_hidden_layers\": 32, \"n\u00e9\": [1]}");
            assertEquals(32, ckpt.config().orElseThrow().get("num_hidden_layers").asInt());
            ckpt.config().orElseThrow().put("num_hidden_layers", 1);
            assertEquals(32, ckpt.config().orElseThrow().get("num_hidden_layers").asInt(), "each call reads afresh");
            Files.writeString(dir.resolve("config.json"), "{\"a\": }");
            var e = assertThrows(FormatException.class, ckpt::config);
            assertTrue(e.getMessage().startsWith(dir.resolve("config.json") + ": malformed JSON: "), e.getMessage());
            Files.writeString(dir.resolve("config.json"), "[1]");
            assertEquals(dir.resolve("config.json") + ": not a JSON object",
                    assertThrows(FormatException.class, ckpt::config).getMessage());
        }
    }

    @Test
    void anAbsentTensorAndClosedDataAreReported() {
        Fixtures.shard(dir, "model.safetensors", spec("w", DType.U8, 1));
        MemorySegment data;
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            var e = assertThrows(FormatException.class, () -> ckpt.info("nope"));
            assertEquals(dir + ": no tensor \"nope\"", e.getMessage());
            data = ckpt.data("w");
        }
        assertThrows(IllegalStateException.class, () -> data.get(ValueLayout.JAVA_BYTE, 0));
    }

    private static List<TensorSpec> shardSpecs(ShardPlan.Shard shard) {
        return shard.layout().tensors().stream().map(t -> spec(t.name(), t.dtype(), t.shape())).toList();
    }

    private void index(String singleQuotedJson) throws Exception {
        Files.writeString(dir.resolve(ShardIndex.FILE_NAME), singleQuotedJson.replace('\'', '"'));
    }

    private static String jsonString(String s) {
        return "'" + s.replace("\\", "\\\\") + "'";
    }

    private String refused() {
        return assertThrows(FormatException.class, () -> Checkpoint.open(dir)).getMessage();
    }
}
