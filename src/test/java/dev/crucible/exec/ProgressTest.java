package dev.crucible.exec;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each progress style prints what a terminal, a log or a quiet run should see. */
class ProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @Test
    void theBarRedrawsInPlaceAndEndsItsLineWhenDone() {
        Progress p = Progress.of(Progress.Style.BAR, out, 2, 2_000);
        p.tensorDone(1_000);
        p.tensorDone(1_000);
        String shown = text();
        assertTrue(shown.startsWith("\rmerging ["), shown);
        assertTrue(shown.contains("] 100% 2/2 tensors"), shown);
        assertTrue(shown.endsWith(System.lineSeparator()), "the finished bar ends its line");
        assertEquals(1, shown.split(System.lineSeparator(), -1).length - 1, "one line, redrawn: " + shown);
    }

    @Test
    void anUnfinishedBarIsEndedOnClose() {
        Progress p = Progress.of(Progress.Style.BAR, out, 3, 3_000);
        p.tensorDone(1_000);
        p.close();
        assertTrue(text().endsWith(System.lineSeparator()));
        assertTrue(text().contains(" 33% 1/3 tensors"), text());
    }

    @Test
    void linesForLogsPrintTheFinalState() {
        Progress p = Progress.of(Progress.Style.LINES, out, 2, 2_000);
        p.tensorDone(1_500);
        p.tensorDone(500);
        p.close();
        String last = text().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(last.startsWith("merging: 2/2 tensors, 2.00 kB/2.00 kB"), last);
        assertTrue(!text().contains("\r"), "no carriage returns in a log");
    }

    @Test
    void quietPrintsNothing() {
        Progress p = Progress.of(Progress.Style.SILENT, out, 1, 10);
        p.tensorDone(10);
        p.close();
        assertEquals("", text());
        assertEquals(Progress.Style.SILENT, Progress.styleFor(true));
    }

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
