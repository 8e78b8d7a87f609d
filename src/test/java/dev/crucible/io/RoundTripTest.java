package dev.crucible.io;

import static dev.crucible.io.Fixtures.spec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layout + ShardWriter produce files that SafetensorsFile reads back identically. */
class RoundTripTest {
    @TempDir
    Path dir;

    private final List<TensorSpec> specs = List.of(
            spec("model.embed_tokens.weight", DType.BF16, 8, 4),
            spec("model.norm.weight", DType.F32, 4),
            spec("scalar", DType.F64),
            spec("empty", DType.F16, 0, 4),
            spec("position_ids", DType.I64, 1, 3),
            spec("mask", DType.BOOL, 5),
            spec("packed", DType.F4, 6),
            spec("名前\u0007\"", DType.U8, 3));

    @Test
    void tensorsMetadataAndBytesSurvive() throws Exception {
        var shard = new ShardPlan.Shard("model.safetensors", SafetensorsLayout.of(Map.of("merged_by", "crucible"), specs));
        Path written;
        try (ShardWriter writer = ShardWriter.create(dir, shard)) {
            for (TensorInfo t : shard.layout().tensors()) {
                byte[] content = Fixtures.content(t);
                int half = content.length / 2; // two chunks, through both write overloads
                writer.write(t.name(), ByteBuffer.wrap(content, 0, half));
                writer.write(t.name(), MemorySegment.ofArray(Arrays.copyOfRange(content, half, content.length)));
            }
            written = writer.finish();
        }

        try (SafetensorsFile file = SafetensorsFile.open(written)) {
            assertEquals(shard.layout().tensors(), file.header().tensors());
            assertEquals(Map.of("format", "pt", "merged_by", "crucible"), file.header().metadata());
            assertEquals(shard.layout().fileSize(), file.size());
            assertEquals(shard.layout().headerBytes().length, file.header().dataStart());
            for (TensorInfo t : file.header().tensors()) {
                MemorySegment data = file.data(t);
                assertTrue(data.isReadOnly());
                assertArrayEquals(Fixtures.content(t), Fixtures.bytes(data), t.name());
            }
            assertEquals(1, file.header().tensor("scalar").orElseThrow().numel());
            assertEquals("[0, 4]", file.header().tensor("empty").orElseThrow().shapeString());
        }
        byte[] onDisk = Files.readAllBytes(written);
        assertArrayEquals(shard.layout().headerBytes(), Arrays.copyOf(onDisk, shard.layout().headerBytes().length));
    }

    @Test
    void closingUnmapsTheData() {
        Path written = Fixtures.shard(dir, "x.safetensors", spec("w", DType.F32, 2));
        SafetensorsFile file = SafetensorsFile.open(written);
        MemorySegment data = file.data(file.header().tensors().getFirst());
        file.close();
        file.close();
        assertThrows(IllegalStateException.class, () -> data.get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void aForeignTensorInfoIsRefused() {
        Path written = Fixtures.shard(dir, "x.safetensors", spec("w", DType.F32, 2));
        try (SafetensorsFile file = SafetensorsFile.open(written)) {
            var other = new TensorInfo("w", DType.F32, new long[] {1}, 0, 4);
            assertThrows(IllegalArgumentException.class, () -> file.data(other));
        }
    }

    @Test
    void ioProblemsNameThePath() {
        Path missing = dir.resolve("missing.safetensors");
        var e = assertThrows(FormatException.class, () -> SafetensorsFile.open(missing));
        assertEquals(missing + ": cannot read: no such file or directory", e.getMessage());
        var d = assertThrows(FormatException.class, () -> SafetensorsFile.open(dir));
        assertTrue(d.getMessage().startsWith(dir + ": "), d.getMessage());
    }

    @Test
    void anEmptyFileIsTooSmall() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.safetensors"));
        var e = assertThrows(FormatException.class, () -> SafetensorsFile.open(empty));
        assertTrue(e.getMessage().startsWith(empty + ": ") && e.getMessage().endsWith("(HeaderTooSmall)"),
                e.getMessage());
    }
}
