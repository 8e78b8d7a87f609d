package dev.crucible.config;

import java.io.StringReader;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Turns config text into the node tree of its single YAML document (with start marks for line numbers),
 * within limits that make hostile input fail fast instead of exhausting memory or stack.
 */
final class YamlComposer {
    /**
     * Configs are kilobytes, chat templates included; this bounds both the file read and the parse. SnakeYAML's
     * reader copies its whole look-ahead every 1024 characters, so a long line costs time and garbage quadratic in
     * its length: a 4 MiB line took 4.4 s and 34 GB of allocation to compose, a 1 MiB one 0.5 s and 2.2 GB.
     */
    static final int MAX_CODE_POINTS = 1024 * 1024;
    /** Enough for anchors shared between models, far too few for an exponential "billion laughs" expansion. */
    private static final int MAX_COLLECTION_ALIASES = 50;
    /** The schema nests about eight levels deep; this only guards the parser's recursion. */
    private static final int MAX_NESTING = 50;

    private YamlComposer() {
    }

    /** The document's root node, or null for an empty document; a second document is an error. */
    static Node compose(String text, SourceLines lines) {
        try {
            return new Yaml(options()).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            throw lines.error("", mark == null ? 0 : mark.getLine() + 1, "invalid YAML: " + describe(e));
        } catch (YAMLException e) {
            throw lines.error("", 0, "invalid YAML: " + e.getMessage());
        } catch (NumberFormatException e) {
            // SnakeYAML's scanner parses the hex digits of an escape (backslash, then x, u or U) without checking
            // that any follow.
            throw lines.error("", (int) text.lines().count(),
                    "invalid YAML: the text ends inside an escape sequence of a double-quoted string");
        }
    }

    private static LoaderOptions options() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setMaxAliasesForCollections(MAX_COLLECTION_ALIASES);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setAllowRecursiveKeys(false);
        // PyYAML's safe_load honours "<<" merge keys; resolving them here keeps the reader unaware of them.
        options.setMergeOnCompose(true);
        return options;
    }

    /** SnakeYAML's message without its multi-line source excerpt. */
    private static String describe(MarkedYAMLException e) {
        if (e.getContext() == null) {
            return e.getProblem();
        }
        return e.getProblem() == null ? e.getContext() : e.getContext() + ", " + e.getProblem();
    }
}
