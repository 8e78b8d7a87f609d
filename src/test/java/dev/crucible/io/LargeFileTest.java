package dev.crucible.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files and tensors beyond 2 GiB: one mapping, long offsets, no ByteBuffer limits. */
class LargeFileTest {
    private static final long THREE_GIB = 3L << 30;
    private static final long JUST_OVER_2_GIB = (1L << 31) + (1L << 16); // the write test's cost is its size
    private static final long PAST_2_GIB = (1L << 31) + 12_345;
    private static final byte[] KNOWN = {11, 22, 33, 44, 55};

    @TempDir
    Path dir;

    @Test
    void readsATensorPastTheTwoGibMarkOfASparseFile() throws Exception {
        Path file = sparseFileWithKnownBytes(THREE_GIB);
        try (SafetensorsFile mapped = SafetensorsFile.open(file)) {
            TensorInfo t = mapped.header().tensor("huge").orElseThrow();
            MemorySegment data = mapped.data(t);
            assertEquals(THREE_GIB, data.byteSize());
            for (int i = 0; i < KNOWN.length; i++) {
                assertEquals(KNOWN[i], data.get(ValueLayout.JAVA_BYTE, PAST_2_GIB + i));
            }
            assertEquals(0, data.get(ValueLayout.JAVA_BYTE, THREE_GIB - 1));
        }
    }

    @Test
    void writesATensorLargerThanTwoGib() throws Exception {
        Path source = sparseFileWithKnownBytes(JUST_OVER_2_GIB);
        Path out = Files.createDirectory(dir.resolve("out"));
        var plan = ShardPlan.plan(List.of(Fixtures.spec("huge", DType.U8, JUST_OVER_2_GIB)), 5_000_000_000L, Map.of());
        try (SafetensorsFile in = SafetensorsFile.open(source);
                ShardWriter writer = ShardWriter.create(out, plan.shards().getFirst())) {
            writer.write("huge", in.data(in.header().tensors().getFirst()));
            writer.finish();
        }
        try (SafetensorsFile copy = SafetensorsFile.open(out.resolve("model.safetensors"))) {
            MemorySegment data = copy.data(copy.header().tensors().getFirst());
            assertEquals(JUST_OVER_2_GIB, data.byteSize());
            for (int i = 0; i < KNOWN.length; i++) {
                assertEquals(KNOWN[i], data.get(ValueLayout.JAVA_BYTE, PAST_2_GIB + i));
            }
        }
    }

    /** Header for one U8 tensor of {@code size} bytes, the data a hole except for KNOWN beyond 2^31. */
    private Path sparseFileWithKnownBytes(long size) throws Exception {
        var layout = SafetensorsLayout.of(Map.of(), List.of(Fixtures.spec("huge", DType.U8, size)));
        Path file = dir.resolve("huge.safetensors");
        try (var raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(layout.headerBytes());
            raf.setLength(layout.fileSize());
            raf.getChannel().write(ByteBuffer.wrap(KNOWN), layout.headerBytes().length + PAST_2_GIB);
        }
        return file;
    }
}
