package dev.crucible.io;

import static dev.crucible.io.Fixtures.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crucible.CrucibleException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardWriterTest {
    @TempDir
    Path dir;

    // data order: a (F32, 8 bytes), empty (F32, 0 bytes), b (BF16, 4 bytes)
    private final ShardPlan.Shard shard = new ShardPlan.Shard("model.safetensors", SafetensorsLayout.of(Map.of(),
            List.of(spec("b", DType.BF16, 2), spec("a", DType.F32, 2), spec("empty", DType.F32, 0))));

    @Test
    void finishRenamesTheHiddenTemporaryFile() throws Exception {
        try (ShardWriter writer = ShardWriter.create(dir, shard)) {
            assertEquals(List.of(".model.safetensors.partial"), listing());
            writer.write("a", MemorySegment.ofArray(new byte[8]));
            writer.write("b", ByteBuffer.allocate(4));
            Path done = writer.finish();
            assertEquals(dir.resolve("model.safetensors"), done);
        }
        assertEquals(List.of("model.safetensors"), listing());
        assertEquals(shard.layout().fileSize(), Files.size(dir.resolve("model.safetensors")));
    }

    @Test
    void closeWithoutFinishLeavesNoFile() throws Exception {
        try (ShardWriter writer = ShardWriter.create(dir, shard)) {
            writer.write("a", MemorySegment.ofArray(new byte[3]));
        }
        assertEquals(List.of(), listing());
    }

    @Test
    void outOfOrderWritesAreBugs() throws Exception {
        try (ShardWriter writer = ShardWriter.create(dir, shard)) {
            var e = assertThrows(IllegalStateException.class, () -> writer.write("b", ByteBuffer.allocate(4)));
            assertTrue(e.getMessage().contains("a comes next"), e.getMessage());
            writer.write("a", MemorySegment.ofArray(new byte[4]));
            // "a" is half written: moving on to b is still out of order
            assertThrows(IllegalStateException.class, () -> writer.write("b", ByteBuffer.allocate(4)));
            writer.write("a", MemorySegment.ofArray(new byte[4]));
            writer.write("empty", ByteBuffer.allocate(0));
            writer.write("b", ByteBuffer.allocate(4));
            assertThrows(IllegalStateException.class, () -> writer.write("a", ByteBuffer.allocate(1)));
            assertThrows(IllegalStateException.class, () -> writer.write("unknown", ByteBuffer.allocate(1)));
            writer.finish();
        }
        assertEquals(List.of("model.safetensors"), listing());
    }

    @Test
    void writingPastATensorsEndIsABug() throws Exception {
        try (ShardWriter writer = ShardWriter.create(dir, shard)) {
            writer.write("a", MemorySegment.ofArray(new byte[6]));
            assertThrows(IllegalStateException.class, () -> writer.write("a", MemorySegment.ofArray(new byte[3])));
        }
        assertEquals(List.of(), listing());
    }

    @Test
    void finishRefusesAnIncompleteShard() throws Exception {
        try (ShardWriter writer = ShardWriter.create(dir, shard)) {
            writer.write("a", MemorySegment.ofArray(new byte[8]));
            writer.write("b", ByteBuffer.allocate(3));
            var e = assertThrows(IllegalStateException.class, writer::finish);
            assertTrue(e.getMessage().contains("b is incomplete, 3 of 4 bytes"), e.getMessage());
        }
        assertEquals(List.of(), listing());
    }

    @Test
    void theCallersBufferPositionIsUntouched() {
        try (ShardWriter writer = ShardWriter.create(dir, shard)) {
            ByteBuffer buffer = ByteBuffer.allocate(10).position(2);
            writer.write("a", buffer);
            assertEquals(2, buffer.position());
        }
    }

    @Test
    void anUnwritableDirectoryIsAUserError() {
        Path missing = dir.resolve("no-such-dir");
        var e = assertThrows(CrucibleException.class, () -> ShardWriter.create(missing, shard));
        assertEquals("cannot write " + missing.resolve("model.safetensors") + ": no such file or directory",
                e.getMessage());
        assertFalse(Files.exists(missing));
    }

    private List<String> listing() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
