package dev.crucible.io;

import static dev.crucible.io.Fixtures.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints made to attack the reader (issue 6), opened as the CLI opens them: each is refused with one line
 * naming the file and the tensor. Index entries that are not plain file names (separators, backslashes, empty)
 * are covered by CheckpointTest; the fuzz targets in dev.crucible.fuzz try many more variants of each.
 */
class HostileInputTest {
    @TempDir
    Path root;
    Path dir;
    Path index;

    @BeforeEach
    void checkpointDirectory() throws Exception {
        dir = Files.createDirectory(root.resolve("ckpt"));
        index = dir.resolve(ShardIndex.FILE_NAME);
    }

    @Test
    void anIndexEntryWithAnAbsolutePath() throws Exception {
        Path outside = Fixtures.shard(root, "outside.safetensors", spec("w", DType.U8, 1));
        writeIndex("{'weight_map':{'w':'" + outside.toAbsolutePath() + "'}}");
        assertEquals(index + ": tensor \"w\": weight_map entry \"" + outside.toAbsolutePath()
                + "\" is not a plain file name in the checkpoint directory", refused());
    }

    @Test
    void anIndexEntryWithDotDot() throws Exception {
        Fixtures.shard(root, "outside.safetensors", spec("w", DType.U8, 1));
        writeIndex("{'weight_map':{'w':'../outside.safetensors'}}");
        assertEquals(index + ": tensor \"w\": weight_map entry \"../outside.safetensors\" is not a plain file name"
                + " in the checkpoint directory", refused());
    }

    @Test
    void anIndexEntryThroughASymlinkOutOfTheDirectory() throws Exception {
        Path outside = Fixtures.shard(root, "outside.safetensors", spec("w", DType.U8, 1));
        Files.createSymbolicLink(dir.resolve("inside.safetensors"), Path.of("../outside.safetensors"));
        writeIndex("{'weight_map':{'w':'inside.safetensors'}}");
        assertEquals(index + ": tensor \"w\": weight_map entry \"inside.safetensors\" leads to "
                + outside.toRealPath() + ", outside the checkpoint directory", refused());
    }

    @Test
    void anIndexEntryNamingAPipeIsRefusedWithoutWaitingForAWriter() throws Exception {
        Path pipe = dir.resolve("pipe.safetensors");
        assertEquals(0, new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor(), "mkfifo");
        writeIndex("{'weight_map':{'w':'pipe.safetensors'}}");
        assertEquals(pipe + ": not a regular file", assertTimeoutPreemptively(Duration.ofSeconds(10), this::refused));
    }

    @Test
    void anIndexEntryNoFileSystemCanName() throws Exception {
        writeIndex("{'weight_map':{'w':'\\ud800.safetensors'}}"); // an unpaired surrogate
        assertEquals(index + ": tensor \"w\": weight_map entry \"\ud800.safetensors\" is not a valid file name:"
                + " Malformed input or input contains unmappable characters", refused());
    }

    @Test
    void aTensorListedTwiceInTheIndex() throws Exception {
        writeIndex("{'weight_map':{'w':'a.safetensors','w':'b.safetensors'}}");
        assertEquals(index + ": malformed JSON: Duplicate field 'w' at line 1, column 39", refused());
    }

    @Test
    void theSameTensorInTwoShards() throws Exception {
        Fixtures.shard(dir, "a.safetensors", spec("w", DType.U8, 1));
        Fixtures.shard(dir, "b.safetensors", spec("v", DType.U8, 1), spec("w", DType.U8, 1));
        writeIndex("{'weight_map':{'w':'a.safetensors','v':'b.safetensors'}}");
        assertEquals(dir.resolve("b.safetensors") + ": tensor \"w\" is not mapped to this shard in "
                + ShardIndex.FILE_NAME, refused());
    }

    @Test
    void aTensorNameTwiceInOneHeader() throws Exception {
        writeModel("{'w':{'dtype':'U8','shape':[1],'data_offsets':[0,1]},"
                + "'w':{'dtype':'U8','shape':[1],'data_offsets':[1,2]}}", 2);
        assertEquals(dir.resolve("model.safetensors") + ": malformed JSON: Duplicate field 'w' at line 1,"
                + " column 57 (InvalidHeaderDeserialization)", refused());
    }

    @Test
    void aShapeWhoseElementCountOverflows() throws Exception {
        writeModel("{'w':{'dtype':'U8','shape':[4294967296,4294967296],'data_offsets':[0,0]}}", 0);
        assertEquals(dir.resolve("model.safetensors") + ": tensor \"w\": shape [4294967296, 4294967296] of U8"
                + " overflows 64-bit arithmetic (ValidationOverflow)", refused());
    }

    @Test
    void aShapeFarLargerThanItsBytes() throws Exception {
        writeModel("{'w':{'dtype':'F32','shape':[1099511627776],'data_offsets':[0,4]}}", 4);
        assertEquals(dir.resolve("model.safetensors") + ": tensor \"w\": data_offsets [0, 4] span 4 bytes but shape"
                + " [1099511627776] of F32 needs 4398046511104 (TensorInvalidInfo)", refused());
    }

    @Test
    void offsetsBeyondTheEndOfTheFile() throws Exception {
        writeModel("{'w':{'dtype':'U8','shape':[1152921504606846976],"
                + "'data_offsets':[0,1152921504606846976]}}", 4);
        assertEquals(dir.resolve("model.safetensors") + ": tensor \"w\": data_offsets [0, 1152921504606846976] end"
                + " beyond the 4 data bytes the file holds (truncated file) (MetadataIncompleteBuffer)", refused());
    }

    /** model.safetensors with this header (single quotes for double) and {@code dataBytes} zero bytes. */
    private void writeModel(String singleQuotedHeader, int dataBytes) throws Exception {
        Files.write(dir.resolve("model.safetensors"), Fixtures.file(singleQuotedHeader.replace('\'', '"'), dataBytes));
    }

    private void writeIndex(String singleQuotedJson) throws Exception {
        Files.writeString(index, singleQuotedJson.replace('\'', '"'));
    }

    private String refused() {
        return assertThrows(FormatException.class, () -> Checkpoint.open(dir)).getMessage();
    }
}
