package dev.crucible.bench;

import dev.crucible.exec.Sizes;
import dev.crucible.roofline.BestOf;
import dev.crucible.roofline.PageCache;
import dev.crucible.roofline.Roofline;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What the bench prints and writes: a header (machine, engines, models, link bandwidths), a table per engine with one
 * row per method as soon as it is measured, and the CSV ({@link Bench} documents its columns).
 */
final class BenchReport {
    static final String CSV_HEADER = "device,streams,method,size,shape,read_link,runs,first_s,best_s,read_bytes,written_bytes,"
            + "gb_per_s,roofline_s,bound,efficiency,serial_io_s,read_gb_per_s,write_gb_per_s,h2d_gb_per_s,"
            + "d2h_gb_per_s";
    private static final String ROW = "%-12s %9s %9s %8s %9s  %-6s %5s %9s %8s%n";

    private final PrintStream out;
    private final BenchOptions options;

    BenchReport(PrintStream out, BenchOptions options) {
        this.out = out;
        this.options = options;
    }

    void header(List<Engine> engines, List<String> unavailable, BenchModels models, StorageLinks links) {
        out.printf(Locale.ROOT, "machine: %d cores, %s, %s %s; JDK %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.arch"), System.getProperty("os.name"), System.getProperty("os.version"),
                Runtime.version());
        for (Engine e : engines) {
            out.printf("engine %s: %s%n", e.spec(), e.name());
        }
        unavailable.forEach(out::println);
        out.printf(Locale.ROOT, "models: base + 2 fine-tunes, size %s (%d layers, hidden %d, intermediate %d, vocab %d),"
                + " %s bf16 each, in %s%n", options.size(), options.shape().layers(), options.shape().hidden(),
                options.shape().intermediate(), options.shape().vocab(), Sizes.human(models.modelBytes()),
                models.base().getParent());
        out.printf("links, best of %d:%n", BestOf.RUNS);
        link("page-cache read", links.cacheRead());
        if (links.cached() < 1 - PageCache.MAX_RESIDENT) {
            out.printf(Locale.ROOT, "  (only %.0f%% of the inputs stay in the page cache: warm reads partly come from"
                    + " the disk)%n", 100 * links.cached());
        }
        if (links.diskProblem() == null) {
            link("disk read", links.diskRead());
        } else {
            out.printf("  %-18s not measured (%s)%n", "disk read", links.diskProblem());
        }
        link("write", links.write());
        for (Engine e : engines) {
            if (e.links() != null) {
                link(e.spec() + " h2d", e.links().h2d());
                link(e.spec() + " d2h", e.links().d2h());
            }
        }
    }

    /** Starts an engine's table. */
    void table(Engine engine) {
        out.printf("%n%s: %s, %s%n", engine.label(), options.cold() ? "cold cache (inputs evicted before each merge)"
                : "warm cache", options.repeat() == 1 ? "1 run" : "best of " + options.repeat() + " runs");
        out.printf(ROW, "method", "first s", "best s", "GB/s", "roof s", "bound", "eff", "serial s", "ser eff");
    }

    void row(BenchResult r) {
        out.printf(ROW, r.method(), seconds(r.first()), seconds(r.best()), gb(r.bytesPerSecond()),
                seconds(r.roofline().seconds()), r.roofline().bound(), String.format(Locale.ROOT, "%.2f",
                        r.efficiency()), seconds(r.roofline().serialSeconds()), String.format(Locale.ROOT, "%.2f",
                        r.roofline().serialSeconds() / r.best()));
    }

    void csv(Path csv, List<BenchResult> results) throws IOException {
        StringBuilder s = new StringBuilder(CSV_HEADER).append('\n');
        for (BenchResult r : results) {
            Roofline.Links l = r.links();
            s.append(String.join(",", r.engine().spec(), Integer.toString(r.engine().streams()), r.method(), options.size(), options.shapeText(), l.read().name(),
                    Integer.toString(r.runs()), number(r.first()), number(r.best()), Long.toString(r.read()),
                    Long.toString(r.written()), number(r.bytesPerSecond() / 1e9), number(r.roofline().seconds()),
                    r.roofline().bound(), number(r.efficiency()), number(r.roofline().serialSeconds()),
                    number(l.read().bytesPerSecond() / 1e9), number(l.writeBps() / 1e9),
                    number(l.h2dBps() / 1e9), number(l.d2hBps() / 1e9))).append('\n');
        }
        Files.writeString(csv, s);
        out.println("\nwrote " + csv);
    }

    private void link(String name, double bytesPerSecond) {
        out.printf(Locale.ROOT, "  %-18s %8.2f GB/s%n", name, bytesPerSecond / 1e9);
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, s < 10 ? "%.3f" : "%.2f", s);
    }

    private static String gb(double bytesPerSecond) {
        return String.format(Locale.ROOT, "%.2f", bytesPerSecond / 1e9);
    }

    /** Six significant digits for the CSV; NaN (a link the engine does not have) is an empty field. */
    private static String number(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }
}
