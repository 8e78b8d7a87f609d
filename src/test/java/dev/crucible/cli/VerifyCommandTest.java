package dev.crucible.cli;

import dev.crucible.TestModels;
import dev.crucible.io.Checkpoint;
import dev.crucible.io.SafetensorsFile;
import dev.crucible.io.SafetensorsLayout;
import dev.crucible.io.ShardPlan;
import dev.crucible.io.ShardWriter;
import dev.crucible.io.TensorInfo;
import dev.crucible.io.TensorSpec;
import dev.crucible.output.MergeJournal;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import static dev.crucible.cli.MergeCommandTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code crucible verify}: a clean merge passes; each kind of damage is one problem line naming what is wrong. */
class VerifyCommandTest {
    private static final String UP = "model.layers.1.mlp.up_proj.weight";

    @TempDir
    Path dir;
    Path config;
    Path out;

    @BeforeEach
    void merge() {
        Path a = TestModels.model(dir, "a", TestModels.SMALL, 0.25f);
        Path b = TestModels.model(dir, "b", TestModels.SMALL, -0.125f);
        config = TestModels.config(dir, """
                merge_method: linear
                models:
                  - model: %s
                    parameters: {weight: 0.6}
                  - model: %s
                    parameters: {weight: 0.4}
                """.formatted(a, b));
        out = dir.resolve("out");
        assertEquals(0, cli("merge", config.toString(), out.toString(), "--quiet", "--out-shard-size", "1k").status());
    }

    private List<String> problems(MergeCommandTest.Run r) {
        assertEquals(1, r.status(), r.out() + r.err());
        return r.out().lines().filter(l -> l.startsWith("problem: ")).toList();
    }

    /** The shard holding {@code tensor}, and the tensor's absolute offset in it. */
    private record Place(Path file, long offset) {
    }

    private Place place(String tensor) {
        try (Checkpoint c = Checkpoint.open(out)) {
            Path file = out.resolve(c.shardFileName(tensor));
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                return new Place(file, f.header().dataStart() + c.info(tensor).begin());
            }
        }
    }

    @Test
    void aCleanMergePasses() {
        MergeCommandTest.Run r = cli("verify", out.toString());
        assertEquals(0, r.status(), r.out());
        assertTrue(r.out().startsWith("verify " + out + ": 6 weight files, 39 tensors, "), r.out());
        assertTrue(r.out().contains("note: tensor names, dtypes and shapes match the plan of crucible_config.yml"),
                r.out());
        assertTrue(r.out().endsWith("ok\n"), r.out());
    }

    @Test
    void aFlippedByteIsAHashMismatch() throws IOException {
        Path shard = out.resolve("model-00002-of-00006.safetensors");
        byte[] bytes = Files.readAllBytes(shard);
        bytes[bytes.length - 1] ^= 1;
        Files.write(shard, bytes);
        assertEquals(List.of("problem: model-00002-of-00006.safetensors: its CRC-32C differs from the journal's: the"
                + " file changed after it was written"), problems(cli("verify", out.toString())));
    }

    @Test
    void aTruncatedShardFailsItsSizeAndItsValidation() throws IOException {
        Path shard = out.resolve("model-00003-of-00006.safetensors");
        long size = Files.size(shard);
        try (FileChannel c = FileChannel.open(shard, StandardOpenOption.WRITE)) {
            c.truncate(size - 10);
        }
        List<String> problems = problems(cli("verify", out.toString()));
        assertEquals(2, problems.size(), problems.toString());
        assertEquals("problem: model-00003-of-00006.safetensors: " + (size - 10) + " bytes, the journal records "
                + size, problems.get(0));
        assertTrue(problems.get(1).startsWith("problem: " + shard), problems.get(1));
    }

    @Test
    void aMissingTensorIsFoundAgainstThePlan() throws IOException {
        Path single = dir.resolve("single");
        assertEquals(0, cli("merge", config.toString(), single.toString(), "--quiet").status());
        // rewrite the weights without one tensor, as another tool might, and with no journal to catch it
        Files.delete(single.resolve(MergeJournal.FILE_NAME));
        Path weights = single.resolve("model.safetensors");
        Path copy = dir.resolve("copy.safetensors");
        Files.move(weights, copy);
        try (SafetensorsFile f = SafetensorsFile.open(copy)) {
            List<TensorInfo> kept = f.header().tensors().stream().filter(t -> !t.name().equals(UP)).toList();
            var shard = new ShardPlan.Shard("model.safetensors", SafetensorsLayout.of(Map.of(), kept.stream()
                    .map(t -> new TensorSpec(t.name(), t.dtype(), t.shape())).toList()));
            try (ShardWriter w = ShardWriter.create(single, shard)) {
                for (TensorInfo t : shard.layout().tensors()) {
                    w.write(t.name(), f.data(f.header().tensor(t.name()).orElseThrow()));
                }
                w.finish();
            }
        }
        MergeCommandTest.Run r = cli("verify", single.toString());
        assertEquals(List.of("problem: " + UP + ": planned, but not in the checkpoint"), problems(r));
        assertTrue(r.out().contains("note: no merge journal (.crucible-journal.jsonl): the shards' CRC-32C cannot be"
                + " checked"), r.out());
    }

    @Test
    void aPlantedNanIsReported() throws IOException {
        Place at = place(UP);
        try (FileChannel c = FileChannel.open(at.file(), StandardOpenOption.WRITE)) {
            c.write(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort(0, (short) 0x7FC0), at.offset()
                    + 2 * 5);
        }
        List<String> problems = problems(cli("verify", out.toString()));
        String shard = at.file().getFileName().toString();
        assertEquals(List.of("problem: " + shard + ": its CRC-32C differs from the journal's: the file changed after"
                + " it was written", "problem: " + UP + " (" + shard + "): 1 NaN/Inf value"), problems);
    }
}
