package dev.crucible.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed and validated safetensors header (formats.md §1-§4). Parsing applies checks 1 to 10 in the
 * spec's order and fails with a FormatException naming the file, the tensor and the reference error;
 * it reads untrusted bytes, so it never allocates more than the file holds and throws nothing else.
 */
public final class SafetensorsHeader {
    public static final long MAX_HEADER_SIZE = 100_000_000L;

    private static final ValueLayout.OfLong LENGTH_FIELD =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final long dataStart;
    private final Map<String, String> metadata;
    private final List<TensorInfo> tensors;
    private final Map<String, TensorInfo> byName;

    private SafetensorsHeader(long dataStart, Map<String, String> metadata, List<TensorInfo> tensors) {
        this.dataStart = dataStart;
        this.metadata = metadata;
        this.tensors = List.copyOf(tensors);
        this.byName = new HashMap<>();
        tensors.forEach(t -> byName.put(t.name(), t));
    }

    /**
     * @param label names the file in messages, normally its path
     * @param file  the whole file, or any segment holding exactly the whole file
     */
    public static SafetensorsHeader parse(String label, MemorySegment file) {
        long fileLength = file.byteSize();
        if (fileLength < Long.BYTES) {
            throw HeaderFault.HEADER_TOO_SMALL.in(label,
                    "file is " + fileLength + " bytes, too short for the 8-byte header length");
        }
        long n = file.get(LENGTH_FIELD, 0);
        if (Long.compareUnsigned(n, MAX_HEADER_SIZE) > 0) {
            throw HeaderFault.HEADER_TOO_LARGE.in(label, "header length " + Long.toUnsignedString(n)
                    + " exceeds the " + MAX_HEADER_SIZE + "-byte limit");
        }
        if (n > fileLength - Long.BYTES) {
            throw HeaderFault.INVALID_HEADER_LENGTH.in(label, "header length " + n + " runs past the end of the "
                    + fileLength + "-byte file");
        }
        byte[] header = file.asSlice(Long.BYTES, n).toArray(ValueLayout.JAVA_BYTE);
        requireUtf8(label, header);
        HeaderJson.Parsed parsed = HeaderJson.parse(label, header);
        long dataStart = Long.BYTES + n;
        List<TensorInfo> tensors = DataSectionCheck.validate(label, parsed.entries(), fileLength - dataStart);
        return new SafetensorsHeader(dataStart, parsed.metadata(), tensors);
    }

    /** Check 4, decoding in small chunks so the check costs no copy of the header. */
    private static void requireUtf8(String label, byte[] header) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder(); // reports malformed input by default
        ByteBuffer in = ByteBuffer.wrap(header);
        CharBuffer out = CharBuffer.allocate(8192);
        CoderResult result;
        do {
            out.clear();
            result = decoder.decode(in, out, true);
        } while (result.isOverflow());
        if (result.isError()) {
            throw HeaderFault.INVALID_HEADER.in(label,
                    "header is not valid UTF-8 (bad byte at header offset " + in.position() + ")");
        }
    }

    /** File offset of the data section: 8 + N. */
    public long dataStart() {
        return dataStart;
    }

    /** The {@code __metadata__} entries in file order; empty when absent. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Every tensor, in data (offset) order. */
    public List<TensorInfo> tensors() {
        return tensors;
    }

    public Optional<TensorInfo> tensor(String name) {
        return Optional.ofNullable(byName.get(name));
    }
}
