package dev.crucible.io;

import static dev.crucible.io.Fixtures.spec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SafetensorsLayoutTest {
    @Test
    void headerMatchesTheReferenceWriterByteForByte() {
        var layout = SafetensorsLayout.of(Map.of(), List.of(
                spec("emb", DType.BF16, 2, 3),
                spec("a.bias", DType.F32, 3),
                spec("pos", DType.I64, 1, 2)));

        // I64 (rank 20) before F32 (17) before BF16 (14); 210 JSON bytes padded with 6 spaces to 216.
        String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"pos\":{\"dtype\":\"I64\",\"shape\":[1,2],\"data_offsets\":[0,16]},"
                + "\"a.bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[16,28]},"
                + "\"emb\":{\"dtype\":\"BF16\",\"shape\":[2,3],\"data_offsets\":[28,40]}"
                + "}      ";
        byte[] expected = new byte[8 + 216];
        expected[0] = (byte) 216; // little-endian 216, upper bytes zero
        System.arraycopy(json.getBytes(StandardCharsets.US_ASCII), 0, expected, 8, 216);

        assertEquals(216, json.length());
        assertArrayEquals(expected, layout.headerBytes());
        assertEquals(40, layout.dataBytes());
        assertEquals(8 + 216 + 40, layout.fileSize());
        assertEquals(List.of(
                new TensorInfo("pos", DType.I64, new long[] {1, 2}, 0, 16),
                new TensorInfo("a.bias", DType.F32, new long[] {3}, 16, 28),
                new TensorInfo("emb", DType.BF16, new long[] {2, 3}, 28, 40)), layout.tensors());
    }

    @Test
    void namesOfOneDtypeSortByUtf8BytesNotUtf16Units() {
        // U+FFFD encodes as EF BF BD, U+1F600 as F0 9F 98 80: UTF-8 puts U+FFFD first, UTF-16 the emoji.
        var layout = SafetensorsLayout.of(Map.of(), List.of(
                spec("\uD83D\uDE00", DType.F32, 1), spec("\uFFFD", DType.F32, 1), spec("B", DType.F32, 1),
                spec("a", DType.F32, 1)));
        assertEquals(List.of("B", "a", "\uFFFD", "\uD83D\uDE00"), layout.tensors().stream().map(TensorInfo::name).toList());
    }

    @Test
    void stringsAreEscapedAsSerdeJsonDoesAndNonAsciiStaysRaw() {
        var layout = SafetensorsLayout.of(Map.of(), List.of(spec("q\"\\\u0001\n\u00e9", DType.U8)));
        String header = new String(layout.headerBytes(), 8, layout.headerBytes().length - 8, StandardCharsets.UTF_8);
        assertTrue(header.contains("\"q\\\"\\\\\\u0001\\n\u00e9\":"), header);
    }

    @Test
    void givenMetadataFollowsFormatAndMayReplaceIt() {
        var metadata = new LinkedHashMap<String, String>();
        metadata.put("z", "1");
        metadata.put("format", "mlx");
        metadata.put("a", "2");
        var layout = SafetensorsLayout.of(metadata, List.of());
        String header = new String(layout.headerBytes(), 8, layout.headerBytes().length - 8, StandardCharsets.UTF_8);
        assertEquals("{\"__metadata__\":{\"format\":\"mlx\",\"z\":\"1\",\"a\":\"2\"}}", header.stripTrailing());
        assertEquals(0, (layout.headerBytes().length - 8) % 8);
    }

    @Test
    void duplicateNamesAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> SafetensorsLayout.of(Map.of(),
                List.of(spec("w", DType.F32, 1), spec("w", DType.BF16, 1))));
        assertTrue(e.getMessage().contains("\"w\""), e.getMessage());
    }

    @Test
    void headerOverTheLimitIsRefused() {
        char[] name = new char[(int) SafetensorsHeader.MAX_HEADER_SIZE];
        Arrays.fill(name, 'n');
        var e = assertThrows(FormatException.class,
                () -> SafetensorsLayout.of(Map.of(), List.of(spec(new String(name), DType.U8, 1))));
        assertTrue(e.getMessage().contains("(HeaderTooLarge)"), e.getMessage());
    }
}
