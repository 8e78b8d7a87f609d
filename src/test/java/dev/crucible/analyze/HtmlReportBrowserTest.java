package dev.crucible.analyze;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Renders the report in a real headless browser, Debian's chromium, which CI installs ({@code .ci/run}): the page
 * parses into the expected DOM (charts as svg elements with non-empty polylines, the heat map's cells, the config
 * as text), it paints (the series' colours and the heat map's cells are on the screenshot), and the browser's log
 * shows no console message at all (the page has no script, so any console line is an error: an uncaught exception,
 * a blocked resource). A control page with a console error and an uncaught exception checks that the log check
 * sees them. Without chromium the test fails rather than being skipped.
 */
class HtmlReportBrowserTest {
    @TempDir
    Path dir;

    @Test
    void theReportRendersInHeadlessChromiumWithoutConsoleErrors() throws Exception {
        String chromium = chromium();
        Path page = dir.resolve("report.html");
        String html = HtmlReport.render(HtmlReportTest.sample());
        Files.writeString(page, html);

        // 1. the DOM chromium built from the page
        Browser dom = run(chromium, "dump", page, "--dump-dom");
        assertNoConsoleMessages(dom.log());
        String d = dom.out();
        assertTrue(d.contains("<html"), "no DOM dumped; browser log:\n" + dom.log());
        assertEquals(5, HtmlReportTest.occurrences(d, "<svg "), "svg elements in the DOM");
        List<String> lines = HtmlReportTest.polylinePoints(d);
        assertEquals(HtmlReportTest.polylinePoints(html).size(), lines.size(), "polylines in the DOM");
        for (String points : lines) {
            assertTrue(points.trim().split("\\s+").length >= 2, "a polyline with fewer than 2 points: " + points);
        }
        for (String id : List.of("chart-norm", "chart-cosine", "chart-conflict", "chart-retention")) {
            int at = d.indexOf("id=\"" + id + "\"");
            assertTrue(at >= 0, id + " missing from the DOM");
            String figure = d.substring(at, d.indexOf("</figure>", at));
            assertTrue(figure.contains("<svg") && figure.contains("<polyline"), id + ": " + figure);
        }
        assertEquals(HtmlReportTest.LAYERS * HtmlReportTest.MODULES.size(),
                HtmlReportTest.occurrences(d, "<rect class=\"cell\""), "heat-map cells in the DOM");
        // the config is text inside the pre, not markup: the DOM has no script element
        assertFalse(d.contains("<script"), "the config's <script> became an element");
        assertTrue(d.contains("&lt;script&gt;alert(\"x\")&lt;/script&gt;"), "config text in the DOM");

        // 2. what chromium painted
        Path png = dir.resolve("report.png");
        Browser shot = run(chromium, "shot", page, "--screenshot=" + png, "--window-size=1280,2400",
                "--hide-scrollbars");
        assertNoConsoleMessages(shot.log());
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "no screenshot; browser log:\n" + shot.log());
        // the first two series' line colours (every chart), the grey no-data cells (input_layernorm) and the colour
        // of the self_attn.q_proj cell at layer 3 (conflict rate 0.5 in the sample)
        for (String colour : List.of(SvgLineChart.PALETTE[0], SvgLineChart.PALETTE[1], SvgHeatMap.NO_DATA,
                SvgHeatMap.color(0.5))) {
            int n = pixels(image, colour);
            assertTrue(n >= 200, colour + " painted on " + n + " pixels only");
        }

        // 3. the log check itself: a page that logs an error and throws must be caught by it
        Path bad = dir.resolve("bad.html");
        Files.writeString(bad, "<!DOCTYPE html><html><body><p>x</p><script>console.error('control-error');"
                + "undefinedFunction();</script></body></html>");
        List<String> controls = consoleLines(run(chromium, "control", bad, "--dump-dom").log());
        assertTrue(controls.stream().anyMatch(l -> l.contains("control-error")), "console.error not seen: " + controls);
        assertTrue(controls.stream().anyMatch(l -> l.contains("Uncaught")), "exception not seen: " + controls);
    }

    record Browser(String out, String log) {
    }

    /** The chromium executable on the PATH (or CRUCIBLE_CHROMIUM); fails the test when there is none. */
    static String chromium() {
        String override = System.getenv("CRUCIBLE_CHROMIUM");
        if (override != null && !override.isBlank()) {
            return override;
        }
        for (String dirName : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path p = Path.of(dirName.isEmpty() ? "." : dirName, name);
                if (Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        return fail("chromium not found: this test renders the HTML report in a headless browser; install Debian's "
                + "chromium (apt-get install -y chromium, as .ci/run does) or set CRUCIBLE_CHROMIUM to its path");
    }

    Browser run(String chromium, String name, Path page, String... action) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--enable-logging=stderr", "--v=0", "--user-data-dir=" + dir.resolve(name + "-profile")));
        cmd.addAll(List.of(action));
        cmd.add(page.toUri().toString());
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("chromium did not finish in 90 s: " + cmd + "\n" + Files.readString(err));
        }
        String log = Files.readString(err);
        assertEquals(0, p.exitValue(), "chromium exited with " + p.exitValue() + ": " + cmd + "\n" + log);
        return new Browser(Files.readString(out), log);
    }

    /**
     * The console lines of chromium's log: with {@code --enable-logging=stderr} every console message, whatever its
     * level, is logged as {@code [...:INFO:CONSOLE:LINE] "message", source: URL (LINE)} (older builds:
     * {@code INFO:CONSOLE(LINE)}); an uncaught exception is a console message starting "Uncaught".
     */
    static List<String> consoleLines(String log) {
        return log.lines().filter(l -> l.contains(":CONSOLE") || l.contains("Uncaught")).toList();
    }

    static void assertNoConsoleMessages(String log) {
        List<String> console = consoleLines(log);
        assertTrue(console.isEmpty(), "the browser console shows:\n" + String.join("\n", console));
    }

    /** How many pixels have this colour, within 6 per channel (antialiased edges aside). */
    static int pixels(BufferedImage image, String hex) {
        int c = Integer.parseInt(hex.substring(1), 16);
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                if (Math.abs((p >> 16 & 255) - (c >> 16 & 255)) <= 6 && Math.abs((p >> 8 & 255) - (c >> 8 & 255)) <= 6
                        && Math.abs((p & 255) - (c & 255)) <= 6) {
                    n++;
                }
            }
        }
        return n;
    }
}
