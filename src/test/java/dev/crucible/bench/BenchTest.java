package dev.crucible.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The merge benchmark end to end at the tiny size, in-process, as {@code scripts/bench} runs it. */
class BenchTest {
    private static final List<String> METHODS = List.of("linear", "model_stock");

    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {
    }

    private static Run bench(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Bench.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void tinyRunWritesARowPerEngineAndMethodAndReportsAnAbsentGpu() throws IOException {
        Path csv = dir.resolve("bench.csv");
        Run run = bench("--size", "tiny", "--methods", String.join(",", METHODS), "--devices", "cpu,cuda",
                "--repeat", "1", "--threads", "2", "--dir", dir.toString(), "--csv", csv.toString());
        assertEquals(0, run.status(), run.err());
        Map<String, Map<String, String>> rows = rows(csv);
        boolean cudaOpened = rows.keySet().stream().anyMatch(k -> k.startsWith("cuda/"));
        assertEquals(METHODS.size() * (cudaOpened ? 2 : 1), rows.size(), rows.keySet().toString());
        for (String method : METHODS) {
            checkRow(rows.get("cpu/1/" + method), false);
            if (cudaOpened) {
                checkRow(rows.get("cuda/2/" + method), true);
            }
        }
        if (!cudaOpened) {
            assertTrue(run.out().contains("\ncuda: unavailable ("), run.out());
        }
        assertTrue(run.out().contains("page-cache read"), run.out());
        assertFalse(Files.exists(dir.resolve("out-linear")), "the merge output is deleted");
    }

    @Test
    void eachStreamCountOfAnAcceleratorGetsItsTableAndRows() throws IOException {
        Path csv = dir.resolve("streams.csv");
        Run run = bench("--size", "tiny", "--methods", "linear", "--devices", "cpu,opencl", "--streams", "1,3",
                "--repeat", "1", "--threads", "1", "--dir", dir.toString(), "--csv", csv.toString());
        assertEquals(0, run.status(), run.err());
        Map<String, Map<String, String>> rows = rows(csv);
        assertEquals(Set.of("cpu/1/linear", "opencl/1/linear", "opencl/3/linear"), rows.keySet());
        checkRow(rows.get("cpu/1/linear"), false);
        checkRow(rows.get("opencl/1/linear"), true);
        checkRow(rows.get("opencl/3/linear"), true);
        assertTrue(run.out().contains("\nopencl --streams 3: warm cache"), run.out());
    }

    /** The CSV's rows by {@code device/streams/method}. */
    private static Map<String, Map<String, String>> rows(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        assertEquals(BenchReport.CSV_HEADER, lines.getFirst());
        List<String> columns = List.of(BenchReport.CSV_HEADER.split(","));
        Map<String, Map<String, String>> rows = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",", -1);
            assertEquals(columns.size(), fields.length, line);
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < fields.length; i++) {
                row.put(columns.get(i), fields[i]);
            }
            rows.put(row.get("device") + "/" + row.get("streams") + "/" + row.get("method"), row);
        }
        return rows;
    }

    private static void checkRow(Map<String, String> row, boolean device) {
        for (String column : List.of("first_s", "best_s", "roofline_s", "efficiency", "gb_per_s", "read_gb_per_s",
                "write_gb_per_s")) {
            double v = Double.parseDouble(row.get(column));
            assertTrue(v > 0 && Double.isFinite(v), column + " = " + v + " in " + row);
        }
        assertTrue(Long.parseLong(row.get("read_bytes")) > Long.parseLong(row.get("written_bytes")), row.toString());
        assertEquals("1", row.get("runs"));
        assertEquals("cache", row.get("read_link"));
        assertEquals("tiny", row.get("size"));
        assertEquals(device, !row.get("h2d_gb_per_s").isEmpty(), row.toString());
        assertTrue(device ? List.of("cache", "write", "h2d", "d2h").contains(row.get("bound"))
                : List.of("cache", "write").contains(row.get("bound")), row.toString());
    }

    @Test
    void modelsThatCannotFitStopTheRunInOneLineBeforeAnythingIsWritten() throws IOException {
        Run run = bench("--size", "tiny", "--layers", "1000", "--hidden", "65536", "--dir", dir.toString());
        assertEquals(1, run.status());
        assertTrue(run.err().matches("bench: --dir .* free, the bench needs .* \\(base \\+ 2 models \\+ 1 output\\)\\R"),
                run.err());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void aBadOptionIsAUsageError() {
        Run run = bench("--size", "13b");
        assertEquals(2, run.status());
        assertTrue(run.err().startsWith("bench: --size 13b: use tiny, 1g or 7b"), run.err());
    }
}
