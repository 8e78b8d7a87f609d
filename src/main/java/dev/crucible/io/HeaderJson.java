package dev.crucible.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.crucible.UserText;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * Check 5 of formats.md §4: reads the header text as the JSON object of §2, streaming, without trusting
 * any of it. Integers are kept as unsigned 64-bit values; whether offsets and shapes agree with each
 * other and with the file is DataSectionCheck's job.
 */
final class HeaderJson {
    private static final String METADATA_KEY = "__metadata__";

    /** A tensor entry as written; shape and offsets hold unsigned 64-bit values. */
    record Entry(String name, DType dtype, long[] shape, long begin, long end) {
    }

    record Parsed(Map<String, String> metadata, List<Entry> entries) {
    }

    private final String file;
    private final JsonParser parser;

    private HeaderJson(String file, JsonParser parser) {
        this.file = file;
        this.parser = parser;
    }

    /** {@code header} must already be known to be valid UTF-8 (check 4). */
    static Parsed parse(String file, byte[] header) {
        // A Reader (rather than the bytes) stops Jackson from guessing UTF-16/32 or skipping a BOM:
        // the header is UTF-8 by definition.
        var text = new InputStreamReader(new ByteArrayInputStream(header), StandardCharsets.UTF_8);
        try (JsonParser parser = StrictJson.FACTORY.createParser(text)) {
            return new HeaderJson(file, parser).readHeader();
        } catch (JacksonException e) {
            throw fault(file, "malformed JSON: " + StrictJson.describe(e));
        } catch (IOException e) {
            throw fault(file, "unreadable JSON: " + IoErrors.reason(e));
        }
    }

    private Parsed readHeader() throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw fault(file, "the header is not a JSON object");
        }
        Map<String, String> metadata = Map.of();
        List<Entry> entries = new ArrayList<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            parser.nextToken();
            if (key.equals(METADATA_KEY)) {
                metadata = readMetadata();
            } else {
                entries.add(readTensor(key));
            }
        }
        expectEnd(JsonToken.END_OBJECT, "the header object");
        if (parser.nextToken() != null) {
            throw fault(file, "unexpected content after the header object");
        }
        return new Parsed(metadata, entries);
    }

    private Map<String, String> readMetadata() throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw fault(file, METADATA_KEY + " is not an object of strings");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            if (parser.nextToken() != JsonToken.VALUE_STRING) {
                throw fault(file, METADATA_KEY + " value for " + UserText.quote(key) + " is not a string");
            }
            metadata.put(key, parser.getText());
        }
        expectEnd(JsonToken.END_OBJECT, METADATA_KEY);
        return Collections.unmodifiableMap(metadata);
    }

    private Entry readTensor(String name) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw fault(file, name, "entry is not an object");
        }
        DType dtype = null;
        long[] shape = null;
        long[] offsets = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            switch (field) {
                case "dtype" -> dtype = readDtype(name);
                case "shape" -> shape = readIntegers(name, field);
                case "data_offsets" -> offsets = readIntegers(name, field);
                // The reference reader ignores unknown fields; so does Crucible.
                default -> parser.skipChildren();
            }
        }
        expectEnd(JsonToken.END_OBJECT, "tensor " + UserText.quote(name));
        if (dtype == null || shape == null || offsets == null) {
            String missing = dtype == null ? "dtype" : shape == null ? "shape" : "data_offsets";
            throw fault(file, name, "missing \"" + missing + "\"");
        }
        if (offsets.length != 2) {
            throw fault(file, name, "data_offsets has " + offsets.length + " values, expected [begin, end]");
        }
        return new Entry(name, dtype, shape, offsets[0], offsets[1]);
    }

    private DType readDtype(String name) throws IOException {
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
            throw fault(file, name, "dtype is not a string");
        }
        String text = parser.getText();
        return DType.fromSafetensors(text)
                .orElseThrow(() -> fault(file, name, "unknown dtype " + UserText.quote(text)));
    }

    private long[] readIntegers(String name, String field) throws IOException {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            throw fault(file, name, field + " is not an array");
        }
        LongStream.Builder values = LongStream.builder();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
            values.add(readUnsigned64(name, field, t));
        }
        return values.build().toArray();
    }

    /** The integer as the bits of an unsigned 64-bit value. */
    private long readUnsigned64(String name, String field, JsonToken token) throws IOException {
        if (token != JsonToken.VALUE_NUMBER_INT) {
            String found = token == null ? "nothing" : UserText.quote(parser.getText());
            throw fault(file, name, field + " holds " + found + ", expected non-negative integers");
        }
        BigInteger value = parser.getBigIntegerValue();
        if (value.signum() < 0 || value.bitLength() > Long.SIZE) {
            throw fault(file, name, field + " value " + value + " is outside the unsigned 64-bit range");
        }
        return value.longValue();
    }

    private void expectEnd(JsonToken end, String what) {
        if (parser.currentToken() != end) {
            throw fault(file, "unexpected end of " + what);
        }
    }

    private static FormatException fault(String file, String detail) {
        return HeaderFault.INVALID_HEADER_DESERIALIZATION.in(file, detail);
    }

    private static FormatException fault(String file, String tensor, String detail) {
        return HeaderFault.INVALID_HEADER_DESERIALIZATION.in(file, tensor, detail);
    }
}
