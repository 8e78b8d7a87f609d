package dev.crucible.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crucible.CrucibleException;
import dev.crucible.Warnings;
import dev.crucible.io.AtomicFile;
import dev.crucible.io.DType;
import dev.crucible.io.ShardIndex;
import dev.crucible.io.ShardPlan;
import dev.crucible.plan.MergePlan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The merged checkpoint's directory. Everything that can fail is checked before any weight is written
 * ({@link #prepare}); after the shards, the rest is written in an order that keeps an interrupted merge from ever
 * looking complete: tokenizer, card and config copies, then config.json, then the shard index last (formats.md §6.3).
 */
public final class OutputDirectory {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What to write besides the weights. */
    public record Options(boolean copyTokenizer, long seed) {
    }

    private final Path dir;
    private final MergePlan plan;
    private final Options options;
    private final TokenizerFiles tokenizer;
    private final Optional<String> chatTemplate;
    private final ObjectNode configJson;

    private OutputDirectory(Path dir, MergePlan plan, Options options, Warnings warnings) {
        this.dir = dir;
        this.plan = plan;
        this.options = options;
        this.chatTemplate = ChatTemplate.resolve(plan.config(), plan.models());
        this.tokenizer = options.copyTokenizer() ? TokenizerFiles.of(plan.donorModel().checkpoint().directory())
                : TokenizerFiles.NONE;
        if (options.copyTokenizer() && tokenizer.isEmpty()) {
            warnings.warn("no-tokenizer", plan.donorModel().label() + " has no tokenizer (tokenizer_config.json with"
                    + " tokenizer.json or tokenizer.model); none is copied");
        }
        if (!options.copyTokenizer() && chatTemplate.isPresent()) {
            warnings.warn("template-not-saved", "--no-copy-tokenizer: the chat_template is not saved");
        }
        this.configJson = ConfigJson.build(plan, outputDtype(plan), warnings);
    }

    /**
     * Checks {@code dir} can receive a new checkpoint and that every non-weight artifact can be produced; creates the
     * directory. Refuses a directory that already holds a checkpoint or the temporary files of an unfinished merge.
     */
    public static OutputDirectory prepare(Path dir, MergePlan plan, Options options, Warnings warnings) {
        checkTarget(dir);
        OutputDirectory out = new OutputDirectory(dir, plan, options, warnings);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CrucibleException("cannot create output directory " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    public Path path() {
        return dir;
    }

    private static void checkTarget(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new CrucibleException("output path " + dir + " exists and is not a directory");
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.endsWith(".partial")) {
                    throw new CrucibleException(dir + " holds an unfinished merge (" + name + "); remove the directory"
                            + " or choose another one");
                }
                if (name.equals("config.json") || name.endsWith(".safetensors") || name.equals(ShardIndex.FILE_NAME)) {
                    throw new CrucibleException(dir + " already contains a checkpoint (" + name + "); remove it or"
                            + " choose another output directory");
                }
            }
        } catch (IOException e) {
            throw new CrucibleException("cannot read output directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The dtype config.json announces: out_dtype, else dtype, else unchanged (null). */
    private static DType outputDtype(MergePlan plan) {
        return plan.config().outDtype() != null ? plan.config().outDtype() : plan.config().dtype();
    }

    /** Writes everything but the weights, after the shards are complete; the index goes last. */
    public void finish(ShardPlan shards) {
        tokenizer.copyInto(dir);
        chatTemplate.ifPresent(this::installChatTemplate);
        String card = ModelCard.render(plan, dir, options.seed());
        writeAtomically("README.md", card);
        writeAtomically("mergekit_config.yml", plan.config().sourceText());
        writeAtomically("crucible_config.yml", plan.config().sourceText());
        writeAtomically("config.json", json(configJson));
        if (shards.shards().size() > 1) {
            ShardIndex.write(dir, shards, Map.of("crucible_version", dev.crucible.Version.get()));
        }
    }

    /** The template transformers will load: chat_template.jinja, with stale copies elsewhere removed. */
    private void installChatTemplate(String template) {
        writeAtomically("chat_template.jinja", template);
        try {
            Files.deleteIfExists(dir.resolve("chat_template.json"));
            Path tc = dir.resolve("tokenizer_config.json");
            if (Files.isRegularFile(tc)) {
                ObjectNode node = (ObjectNode) JSON.readTree(tc.toFile());
                if (node.remove("chat_template") != null) {
                    writeAtomically("tokenizer_config.json", json(node));
                }
            }
        } catch (IOException | ClassCastException e) {
            throw new CrucibleException("cannot install the chat template in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String json(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void writeAtomically(String name, String content) {
        AtomicFile.write(dir.resolve(name), content.getBytes(StandardCharsets.UTF_8));
    }
}
