package dev.crucible.io;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The parser reads untrusted bytes: whatever they are, it either succeeds or throws a one-line FormatException. */
class HeaderFuzzTest {
    private static final byte[] TOKENS = "{}[],:\"0123456789-.eE \\u_ntrfaxl".getBytes(StandardCharsets.US_ASCII);

    @Test
    void mutatedValidFilesFailOnlyWithFormatException() {
        byte[] valid = validFile();
        var random = new SplittableRandom(1);
        for (int i = 0; i < 30_000; i++) {
            byte[] file = mutate(valid, random);
            parseSafely(file);
        }
    }

    @Test
    void randomHeadersWithPlausibleLengthsFailOnlyWithFormatException() {
        var random = new SplittableRandom(2);
        for (int i = 0; i < 30_000; i++) {
            byte[] header = new byte[random.nextInt(64)];
            for (int j = 0; j < header.length; j++) {
                header[j] = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : TOKENS[random.nextInt(TOKENS.length)];
            }
            long declared = random.nextInt(8) == 0 ? random.nextLong() : header.length;
            parseSafely(ByteBuffer.allocate(8 + header.length + random.nextInt(16)).order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(declared).put(header).array());
        }
    }

    private static byte[] validFile() {
        var layout = SafetensorsLayout.of(Map.of("k", "v"), List.of(
                Fixtures.spec("a", DType.F32, 2, 2), Fixtures.spec("b", DType.F4, 4), Fixtures.spec("c", DType.I64)));
        return Arrays.copyOf(layout.headerBytes(), (int) layout.fileSize());
    }

    private static byte[] mutate(byte[] valid, SplittableRandom random) {
        byte[] file = valid.clone();
        switch (random.nextInt(4)) {
            case 0 -> {
                for (int k = random.nextInt(1, 5); k > 0; k--) {
                    file[random.nextInt(file.length)] = (byte) random.nextInt(256);
                }
            }
            case 1 -> {
                for (int k = random.nextInt(1, 5); k > 0; k--) {
                    file[random.nextInt(8, file.length)] = TOKENS[random.nextInt(TOKENS.length)];
                }
            }
            case 2 -> file = Arrays.copyOf(file, random.nextInt(file.length));
            default -> file = Arrays.copyOf(file, file.length + random.nextInt(1, 9));
        }
        return file;
    }

    private static void parseSafely(byte[] file) {
        try {
            Fixtures.parse(file);
        } catch (FormatException e) {
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        } catch (RuntimeException | Error e) {
            fail("parser threw " + e + " for " + Arrays.toString(file), e);
        }
    }
}
