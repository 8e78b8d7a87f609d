package dev.crucible.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import dev.crucible.UserText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where every byte of one output file goes, computed before any data exists (formats.md §5): tensors in
 * descending dtype rank then byte-wise name order, consecutive offsets, and the header serialized as the
 * reference writer does (compact, serde_json escapes, padded with spaces to a multiple of 8), so Crucible's
 * files are byte-identical to the reference's for the same tensors.
 */
public final class SafetensorsLayout {
    private static final Comparator<TensorSpec> DATA_ORDER = Comparator
            .comparingInt((TensorSpec t) -> t.dtype().rank()).reversed()
            .thenComparing(TensorSpec::name, Utf8Order::compare);

    // serde_json escapes control characters with lower-case hex and writes non-ASCII as raw UTF-8.
    private static final JsonFactory COMPACT = JsonFactory.builder()
            .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
            .disable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .build();

    private final List<TensorInfo> tensors;
    private final byte[] headerBytes;
    private final long dataBytes;

    private SafetensorsLayout(List<TensorInfo> tensors, byte[] headerBytes, long dataBytes) {
        this.tensors = tensors;
        this.headerBytes = headerBytes;
        this.dataBytes = dataBytes;
    }

    /**
     * @param metadata written after {@code "format":"pt"}; an entry for "format" replaces that value
     * @throws IllegalArgumentException when two tensors share a name (a planning bug)
     * @throws FormatException          when the header would exceed {@link SafetensorsHeader#MAX_HEADER_SIZE}
     */
    public static SafetensorsLayout of(Map<String, String> metadata, List<TensorSpec> tensors) {
        Set<String> names = new HashSet<>();
        for (TensorSpec t : tensors) {
            if (!names.add(t.name())) {
                throw new IllegalArgumentException("duplicate output tensor " + UserText.quote(t.name()));
            }
        }
        List<TensorInfo> placed = new ArrayList<>(tensors.size());
        long offset = 0;
        for (TensorSpec t : tensors.stream().sorted(DATA_ORDER).toList()) {
            long end = Math.addExact(offset, t.byteSize());
            placed.add(new TensorInfo(t.name(), t.dtype(), t.shape(), offset, end));
            offset = end;
        }
        Map<String, String> allMetadata = new LinkedHashMap<>();
        allMetadata.put("format", "pt");
        allMetadata.putAll(metadata);
        return new SafetensorsLayout(List.copyOf(placed), frame(headerJson(allMetadata, placed)), offset);
    }

    private static byte[] headerJson(Map<String, String> metadata, List<TensorInfo> tensors) {
        var out = new ByteArrayOutputStream();
        try (JsonGenerator json = COMPACT.createGenerator(out)) {
            json.writeStartObject();
            json.writeObjectFieldStart("__metadata__");
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                json.writeStringField(e.getKey(), e.getValue());
            }
            json.writeEndObject();
            for (TensorInfo t : tensors) {
                json.writeObjectFieldStart(t.name());
                json.writeStringField("dtype", t.dtype().safetensorsName());
                json.writeFieldName("shape");
                json.writeArray(t.shape(), 0, t.shape().length);
                json.writeFieldName("data_offsets");
                json.writeArray(new long[] {t.begin(), t.end()}, 0, 2);
                json.writeEndObject();
            }
            json.writeEndObject();
        } catch (IOException e) {
            // Only an unencodable name (an unpaired surrogate) can fail when writing to memory.
            throw new UncheckedIOException("cannot encode the safetensors header: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** Pads the JSON with spaces to a multiple of 8 and prefixes its little-endian length. */
    private static byte[] frame(byte[] json) {
        int padded = (json.length + 7) & ~7;
        if (padded > SafetensorsHeader.MAX_HEADER_SIZE) {
            throw new FormatException("the safetensors header would be " + padded + " bytes, over the "
                    + SafetensorsHeader.MAX_HEADER_SIZE + "-byte limit; use smaller shards (HeaderTooLarge)");
        }
        byte[] framed = new byte[Long.BYTES + padded];
        ByteBuffer.wrap(framed).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).put(json);
        Arrays.fill(framed, Long.BYTES + json.length, framed.length, (byte) ' ');
        return framed;
    }

    /** The tensors in data order, with offsets relative to the data section. */
    public List<TensorInfo> tensors() {
        return tensors;
    }

    /** The 8-byte little-endian length N followed by the N header bytes: the first bytes of the file. */
    public byte[] headerBytes() {
        return headerBytes.clone();
    }

    public long fileSize() {
        return headerBytes.length + dataBytes;
    }

    public long dataBytes() {
        return dataBytes;
    }
}
