package dev.crucible.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LineLogTest {
    @TempDir
    Path dir;

    @Test
    void readersSeeTheCompleteLinesOnly() throws Exception {
        Path file = dir.resolve("log");
        assertEquals(Optional.empty(), LineLog.read(file));
        try (LineLog log = LineLog.create(file, List.of("head"))) {
            log.append("one");
            log.append("two");
        }
        assertEquals(List.of("head", "one", "two"), LineLog.read(file).orElseThrow());
        // an append cut short by a crash or a full disk
        Files.writeString(file, "{\"thr", StandardOpenOption.APPEND);
        assertEquals(List.of("head", "one", "two"), LineLog.read(file).orElseThrow());
        try (LineLog log = LineLog.create(file, List.of("fresh"))) {
            log.append("x");
        }
        assertEquals(List.of("fresh", "x"), LineLog.read(file).orElseThrow());
    }
}
