package dev.crucible.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Builders for test inputs: raw safetensors bytes from header text, and real shards written by Crucible. */
final class Fixtures {
    static final String LABEL = "test.safetensors";

    private Fixtures() {
    }

    /** Length field, header text, then {@code dataBytes} zero bytes. */
    static byte[] file(String header, int dataBytes) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        return file(json.length, json, dataBytes);
    }

    /** A declared length that may disagree with the header bytes actually present. */
    static byte[] file(long declaredLength, byte[] header, int dataBytes) {
        return ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(declaredLength).put(header).array();
    }

    static SafetensorsHeader parse(byte[] file) {
        return SafetensorsHeader.parse(LABEL, MemorySegment.ofArray(file));
    }

    /** The deterministic content of byte {@code i} of tensor {@code name} in files written by {@link #shard}. */
    static byte content(String name, long i) {
        return (byte) (name.hashCode() * 31 + i * 7);
    }

    static byte[] content(TensorInfo t) {
        byte[] bytes = new byte[Math.toIntExact(t.byteSize())];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = content(t.name(), i);
        }
        return bytes;
    }

    /** Writes a complete shard named {@code fileName} into {@code dir} holding the given tensors. */
    static Path shard(Path dir, String fileName, Map<String, String> metadata, List<TensorSpec> tensors) {
        var shard = new ShardPlan.Shard(fileName, SafetensorsLayout.of(metadata, tensors));
        try (ShardWriter writer = ShardWriter.create(dir, shard)) {
            for (TensorInfo t : shard.layout().tensors()) {
                writer.write(t.name(), MemorySegment.ofArray(content(t)));
            }
            return writer.finish();
        }
    }

    static Path shard(Path dir, String fileName, TensorSpec... tensors) {
        return shard(dir, fileName, Map.of(), List.of(tensors));
    }

    static TensorSpec spec(String name, DType dtype, long... shape) {
        return new TensorSpec(name, dtype, shape);
    }

    static byte[] bytes(MemorySegment segment) {
        return segment.toArray(ValueLayout.JAVA_BYTE);
    }
}
