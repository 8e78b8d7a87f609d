package dev.crucible.io;

import static dev.crucible.io.Fixtures.LABEL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** formats.md §4: one test per check, in order, plus the JSON shape rules of §2. */
class SafetensorsHeaderTest {
    private static final String F32_W = "{'w':{'dtype':'F32','shape':[1],'data_offsets':[0,4]}}";

    // ---- check 1 to 4: the framing ----

    @Test
    void check1FileShorterThanTheLengthField() {
        String m = fault("HeaderTooSmall", new byte[7]);
        assertEquals(LABEL + ": file is 7 bytes, too short for the 8-byte header length (HeaderTooSmall)", m);
    }

    @Test
    void check2HeaderLengthOverTheLimit() {
        assertEquals(LABEL + ": header length 123456789012 exceeds the 100000000-byte limit (HeaderTooLarge)",
                fault("HeaderTooLarge", Fixtures.file(123456789012L, new byte[0], 0)));
        assertTrue(fault("HeaderTooLarge", Fixtures.file(-1L, new byte[0], 0)).contains("18446744073709551615"));
        fault("HeaderTooLarge", Fixtures.file(SafetensorsHeader.MAX_HEADER_SIZE + 1, new byte[0], 0));
        // exactly at the limit passes check 2 and fails check 3 on this short file
        fault("InvalidHeaderLength", Fixtures.file(SafetensorsHeader.MAX_HEADER_SIZE, new byte[0], 0));
    }

    @Test
    void check3HeaderRunsPastTheEndOfTheFile() {
        String m = fault("InvalidHeaderLength", Fixtures.file(10, "{}  ".getBytes(StandardCharsets.US_ASCII), 0));
        assertTrue(m.contains("header length 10") && m.contains("12-byte file"), m);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"FF", "C0AF", "EDA080", "E282", "F4908080"})
    void check4HeaderIsNotUtf8(String badBytes) {
        byte[] bad = java.util.HexFormat.of().parseHex(badBytes);
        byte[] header = new byte[bad.length + 4];
        header[0] = '{';
        header[1] = '"';
        System.arraycopy(bad, 0, header, 2, bad.length);
        header[bad.length + 2] = '"';
        header[bad.length + 3] = '}';
        String m = fault("InvalidHeader", Fixtures.file(header.length, header, 0));
        assertTrue(m.contains("not valid UTF-8 (bad byte at header offset 2)"), m);
    }

    @Test
    void check4ComesBeforeJsonSyntax() {
        byte[] header = {'n', 'o', 't', ' ', (byte) 0xFF};
        fault("InvalidHeader", Fixtures.file(header.length, header, 0));
    }

    // ---- check 5: the JSON shape ----

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "not json                                                          | malformed JSON",
        "``                                                                | not a JSON object",
        "[]                                                                | not a JSON object",
        "{} {}                                                             | after the header object",
        "{}x                                                               | malformed JSON",
        "/* c */ {}                                                        | malformed JSON",
        "{'w':{'dtype':'Q4','shape':[],'data_offsets':[0,0]}}              | tensor \"w\": unknown dtype \"Q4\"",
        "{'w':{'dtype':'f32','shape':[],'data_offsets':[0,0]}}             | unknown dtype \"f32\"",
        "{'w':{'dtype':7,'shape':[],'data_offsets':[0,0]}}                 | tensor \"w\": dtype is not a string",
        "{'w':{'dtype':'U8','shape':[-1],'data_offsets':[0,0]}}            | shape value -1 is outside the unsigned 64-bit range",
        "{'w':{'dtype':'U8','shape':[],'data_offsets':[0,18446744073709551616]}} | data_offsets value 18446744073709551616 is outside",
        "{'w':{'dtype':'U8','shape':[1.0],'data_offsets':[0,1]}}           | shape holds \"1.0\"",
        "{'w':{'dtype':'U8','shape':['1'],'data_offsets':[0,1]}}           | shape holds \"1\"",
        "{'w':{'dtype':'U8','shape':[[1]],'data_offsets':[0,1]}}           | shape holds \"[\"",
        "{'w':{'dtype':'U8','shape':1,'data_offsets':[0,1]}}               | tensor \"w\": shape is not an array",
        "{'w':{'dtype':'U8','shape':[1],'data_offsets':[0,1,2]}}           | data_offsets has 3 values",
        "{'w':{'dtype':'U8','shape':[1],'data_offsets':[1]}}               | data_offsets has 1 values",
        "{'w':{'shape':[1],'data_offsets':[0,1]}}                          | tensor \"w\": missing \"dtype\"",
        "{'w':{'dtype':'U8','data_offsets':[0,1]}}                         | missing \"shape\"",
        "{'w':{'dtype':'U8','shape':[1]}}                                  | missing \"data_offsets\"",
        "{'w':5}                                                           | tensor \"w\": entry is not an object",
        "{'w':{'dtype':'U8','shape':[1],'data_offsets':[0,1]},'w':{'dtype':'U8','shape':[1],'data_offsets':[1,2]}} | Duplicate field 'w'",
        "{'w':{'dtype':'U8','dtype':'I8','shape':[1],'data_offsets':[0,1]}} | Duplicate field 'dtype'",
        "{'__metadata__':'pt'}                                             | __metadata__ is not an object of strings",
        "{'__metadata__':null}                                             | __metadata__ is not an object of strings",
        "{'__metadata__':[]}                                               | __metadata__ is not an object of strings",
        "{'__metadata__':{'format':'pt','n':1}}                            | __metadata__ value for \"n\" is not a string",
        "{'__metadata__':{'a':{}}}                                         | __metadata__ value for \"a\" is not a string",
        "{'__metadata__':{},'__metadata__':{}}                             | Duplicate field '__metadata__'",
        "{'__metadata__':{'k':'a','k':'b'}}                                | Duplicate field 'k'",
    })
    void check5MalformedHeaders(String json, String expected) {
        String m = fault("InvalidHeaderDeserialization", file(json, 1));
        assertTrue(m.contains(expected), m);
    }

    @Test
    void check5ByteOrderMarkAndNulBytesAreNotJson() {
        fault("InvalidHeaderDeserialization", Fixtures.file("\uFEFF{}", 0));
        fault("InvalidHeaderDeserialization", Fixtures.file("{}\0", 0));
        fault("InvalidHeaderDeserialization", Fixtures.file("{\0}\0", 0)); // UTF-16LE "{}" if guessed
    }

    @Test
    void check5HostileNamesStayOnOneLine() {
        String m = fault("InvalidHeaderDeserialization", file("{'a\\nb\\u0000':{'dtype':'Q4'}}", 0));
        assertTrue(m.contains("tensor \"a\\nb\\u0000\": unknown dtype"), m);
    }

    @Test
    void leadingAndTrailingWhitespaceIsAccepted() {
        var header = Fixtures.parse(file(" \n\t\r" + F32_W + "   \n ", 4));
        assertEquals(List.of(new TensorInfo("w", DType.F32, new long[] {1}, 0, 4)), header.tensors());
    }

    @Test
    void emptyHeaderObjectHasNoTensors() {
        var header = Fixtures.parse(file("{}", 0));
        assertEquals(10, header.dataStart());
        assertEquals(List.of(), header.tensors());
        assertEquals(Map.of(), header.metadata());
    }

    @Test
    void metadataKeepsItsOrderAndUnknownEntryFieldsAreIgnored() {
        var header = Fixtures.parse(file("{'__metadata__':{'z':'1','a':'2','m':''},"
                + "'w':{'extra':{'x':[1,{}]},'dtype':'U8','shape':[2],'data_offsets':[0,2],'more':null}}", 2));
        assertEquals(List.of("z", "a", "m"), List.copyOf(header.metadata().keySet()));
        assertEquals("2", header.metadata().get("a"));
        assertEquals(2, header.tensor("w").orElseThrow().byteSize());
    }

    @Test
    void tensorsComeInDataOrderWhateverTheJsonOrder() {
        var header = Fixtures.parse(file("{'c':{'dtype':'F8_E4M3','shape':[2],'data_offsets':[6,8]},"
                + "'b':{'dtype':'U8','shape':[0],'data_offsets':[6,6]},"
                + "'a':{'dtype':'I16','shape':[3],'data_offsets':[0,6]}}", 8));
        assertEquals(List.of("a", "b", "c"), header.tensors().stream().map(TensorInfo::name).toList());
        assertEquals(DType.F8_E4M3, header.tensor("c").orElseThrow().dtype()); // rejected dtypes stay readable
        assertTrue(header.tensor("missing").isEmpty());
    }

    // ---- checks 6 to 10: the data section ----

    @Test
    void check6FirstTensorMustStartAtZero() {
        String m = fault("InvalidOffset", file("{'w':{'dtype':'U8','shape':[4],'data_offsets':[4,8]}}", 8));
        assertTrue(m.contains("tensor \"w\": data_offsets [4, 8] should begin at 0"), m);
    }

    @Test
    void check6OverlapsAndHolesAreRefused() {
        String overlap = fault("InvalidOffset", file("{'a':{'dtype':'U8','shape':[4],'data_offsets':[0,4]},"
                + "'b':{'dtype':'U8','shape':[4],'data_offsets':[2,6]}}", 6));
        assertTrue(overlap.contains("tensor \"b\""), overlap);
        String hole = fault("InvalidOffset", file("{'a':{'dtype':'U8','shape':[4],'data_offsets':[0,4]},"
                + "'b':{'dtype':'U8','shape':[4],'data_offsets':[5,9]}}", 9));
        assertTrue(hole.contains("tensor \"b\": data_offsets [5, 9] should begin at 4"), hole);
    }

    @Test
    void check6EndBeforeBegin() {
        String m = fault("InvalidOffset", file("{'a':{'dtype':'U8','shape':[4],'data_offsets':[0,4]},"
                + "'b':{'dtype':'U8','shape':[0],'data_offsets':[4,2]}}", 4));
        assertTrue(m.contains("tensor \"b\": data_offsets [4, 2] end before they begin"), m);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[4611686018427387904,8]", "[18446744073709551615]", "[4294967296,4294967296]",
        "[9223372036854775808,0]"})
    void check7SizeOverflows(String shape) {
        String m = fault("ValidationOverflow",
                file("{'w':{'dtype':'U8','shape':" + shape + ",'data_offsets':[0,0]}}", 0));
        assertTrue(m.contains("tensor \"w\": shape ["), m);
    }

    @Test
    void check8SubByteTensorsMustFillWholeBytes() {
        String m = fault("MisalignedSlice", file("{'w':{'dtype':'F4','shape':[3],'data_offsets':[0,2]}}", 2));
        assertTrue(m.contains("tensor \"w\": shape [3] of F4 is not a whole number of bytes"), m);
        fault("MisalignedSlice", file("{'w':{'dtype':'F6_E2M3','shape':[2],'data_offsets':[0,2]}}", 2));
        Fixtures.parse(file("{'w':{'dtype':'F6_E3M2','shape':[4],'data_offsets':[0,3]}}", 3));
    }

    @Test
    void check9RangeMustMatchShapeAndDtype() {
        String m = fault("TensorInvalidInfo", file("{'w':{'dtype':'F32','shape':[2],'data_offsets':[0,4]}}", 4));
        assertTrue(m.contains("tensor \"w\": data_offsets [0, 4] span 4 bytes but shape [2] of F32 needs 8"), m);
    }

    @Test
    void check10TrailingBytesOrTruncation() {
        String trailing = fault("MetadataIncompleteBuffer", file(F32_W, 5));
        assertTrue(trailing.contains("1 bytes after the last tensor"), trailing);
        String truncated = fault("MetadataIncompleteBuffer", file(F32_W, 3));
        assertTrue(truncated.contains("tensor \"w\": data_offsets [0, 4] end beyond the 3 data bytes the file holds"
                + " (truncated file)"), truncated);
        fault("MetadataIncompleteBuffer", file("{}", 1));
    }

    @Test
    void checksRunInTheSpecOrder() {
        // hole (6) and wrong size (9): 6 wins although the wrong size comes first in data order
        fault("InvalidOffset", file("{'a':{'dtype':'U8','shape':[9],'data_offsets':[0,4]},"
                + "'b':{'dtype':'U8','shape':[4],'data_offsets':[5,9]}}", 9));
        // wrong size (9) and overflow (7): 7 wins
        fault("ValidationOverflow", file("{'a':{'dtype':'U8','shape':[9],'data_offsets':[0,4]},"
                + "'b':{'dtype':'U8','shape':[18446744073709551615],'data_offsets':[4,4]}}", 4));
        // wrong size (9) and trailing bytes (10): 9 wins
        fault("TensorInvalidInfo", file("{'a':{'dtype':'U8','shape':[9],'data_offsets':[0,4]}}", 100));
    }

    @Test
    void aValidFileParsesCompletely() {
        var layout = SafetensorsLayout.of(Map.of("k", "v"), List.of(Fixtures.spec("x", DType.BF16, 3, 2)));
        byte[] file = new byte[(int) layout.fileSize()];
        System.arraycopy(layout.headerBytes(), 0, file, 0, layout.headerBytes().length);
        var header = Fixtures.parse(file);
        assertEquals(layout.tensors(), header.tensors());
        assertEquals(layout.headerBytes().length, header.dataStart());
        assertArrayEquals(new String[] {"format", "k"}, header.metadata().keySet().toArray());
    }

    /** Single-quoted JSON for readability; {@code dataBytes} zero bytes follow the header. */
    private static byte[] file(String singleQuotedJson, int dataBytes) {
        return Fixtures.file(singleQuotedJson.replace('\'', '"'), dataBytes);
    }

    private static String fault(String kind, byte[] file) {
        var e = assertThrows(FormatException.class, () -> Fixtures.parse(file));
        String m = e.getMessage();
        assertTrue(m.startsWith(LABEL + ": ") && m.endsWith(" (" + kind + ")"), m);
        assertFalse(m.contains("\n") || m.contains("\r"), m);
        return m;
    }
}
