package dev.crucible.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.crucible.UserText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Jackson set up for untrusted JSON files: duplicate keys are errors (an ambiguous header or index is
 * refused, not silently resolved), trailing content is an error, and field names are not canonicalized,
 * so hostile inputs cannot trip the symbol table's collision guard. Length limits are raised to the
 * safetensors header cap, which also caps whole documents: the tree read from an index or config.json
 * stays in proportion to a file no larger than a header may be.
 */
final class StrictJson {
    private static final int MAX_TEXT = (int) SafetensorsHeader.MAX_HEADER_SIZE;

    static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(MAX_TEXT)
                    .maxNameLength(MAX_TEXT)
                    .maxDocumentLength(MAX_TEXT)
                    .build())
            .build();

    private static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    // e.g. " (start marker at [Source: REDACTED (...); line: 1, column: 1])", noise in a one-line message
    private static final Pattern SOURCE_REFERENCE = Pattern.compile("\\s*\\([^\\[(]*\\[Source: .*?]\\)");

    private StrictJson() {
    }

    /** Reads a whole JSON file; malformed or unreadable files are a FormatException naming the file. */
    static JsonNode readFile(Path file) {
        // A named pipe would block the read until something writes to it.
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new FormatException(file + ": not a regular file");
        }
        try {
            return MAPPER.readTree(file.toFile());
        } catch (JacksonException e) {
            throw new FormatException(file + ": malformed JSON: " + describe(e), e);
        } catch (IOException e) {
            throw new FormatException(file + ": cannot read: " + IoErrors.reason(e), e);
        }
    }

    /** Jackson's reason without its source references, plus where it happened. */
    static String describe(JacksonException e) {
        String reason = UserText.oneLine(SOURCE_REFERENCE.matcher(String.valueOf(e.getOriginalMessage())).replaceAll(""));
        JsonLocation at = e.getLocation();
        return at == null || at.getLineNr() < 0
                ? reason
                : reason + " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }
}
