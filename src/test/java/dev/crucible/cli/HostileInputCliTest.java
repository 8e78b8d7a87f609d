package dev.crucible.cli;

import static dev.crucible.cli.MergeCommandTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.crucible.TestModels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A hostile input reaches the user as exit status 1 and a single "error:" line, never a stack trace. */
class HostileInputCliTest {
    @TempDir
    Path dir;

    @Test
    void aCheckpointWhoseOffsetsRunPastItsEnd() throws Exception {
        Path good = TestModels.model(dir, "good", TestModels.SMALL, 0f);
        Path hostile = Files.createDirectory(dir.resolve("hostile"));
        byte[] header = ("{\"w\":{\"dtype\":\"U8\",\"shape\":[1152921504606846976],"
                + "\"data_offsets\":[0,1152921504606846976]}}").getBytes(StandardCharsets.US_ASCII);
        Files.write(hostile.resolve("model.safetensors"), ByteBuffer.allocate(8 + header.length + 4)
                .order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).put(header).array());
        Path config = TestModels.config(dir, """
                merge_method: linear
                models:
                  - model: %s
                  - model: %s
                """.formatted(good, hostile));

        MergeCommandTest.Run r = cli("merge", config.toString(), dir.resolve("out").toString(), "--quiet");

        assertEquals(new MergeCommandTest.Run(Main.FAILED, "", "error: " + hostile.resolve("model.safetensors")
                + ": tensor \"w\": data_offsets [0, 1152921504606846976] end beyond the 4 data bytes the file holds"
                + " (truncated file) (MetadataIncompleteBuffer)" + System.lineSeparator()), r);
    }

    @Test
    void aConfigWithAValueOfTheWrongType() {
        Path config = TestModels.config(dir, "merge_method: linear\nmodels:\n  - model: a\n    parameters:\n"
                + "      weight: !!float abc\n");

        MergeCommandTest.Run r = cli("merge", config.toString(), dir.resolve("out").toString(), "--quiet");

        assertEquals(new MergeCommandTest.Run(Main.FAILED, "", "error: " + config + ":5: models[0].parameters.weight:"
                + " !!float 'abc' is not a valid float" + System.lineSeparator()), r);
    }
}
