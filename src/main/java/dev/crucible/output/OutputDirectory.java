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
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The merged checkpoint's directory. Everything that can fail is checked before any weight is written
 * ({@link #prepare}); after the shards, the rest is written in an order that keeps an interrupted merge from ever
 * looking complete: tokenizer, card and config copies, then config.json, then the shard index last (formats.md §6.3).
 * While the merge runs, the directory is locked ({@link OutputLock}) and its {@link MergeJournal} records each shard
 * as it is committed, so that an interrupted merge can be resumed.
 */
public final class OutputDirectory implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * What to write besides the weights, and how to treat an unfinished merge found in the directory.
     *
     * @param resume continue the unfinished merge the directory holds (it must be this very merge), or start one
     *               when it holds nothing
     */
    public record Options(boolean copyTokenizer, long seed, boolean resume) {
        public Options(boolean copyTokenizer, long seed) {
            this(copyTokenizer, seed, false);
        }
    }

    private final Path dir;
    private final MergePlan plan;
    private final Options options;
    private final TokenizerFiles tokenizer;
    private final Optional<String> chatTemplate;
    private final ObjectNode configJson;
    private final Warnings warnings;
    private OutputLock lock;
    private Optional<MergeJournal.Contents> recorded = Optional.empty();
    private MergeJournal journal;

    private OutputDirectory(Path dir, MergePlan plan, Options options, Warnings warnings) {
        this.dir = dir;
        this.warnings = warnings;
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
     * Checks {@code dir} can receive the checkpoint and that every non-weight artifact can be produced; creates the
     * directory and locks it for this merge. Refuses a directory that another merge holds, that already holds a
     * checkpoint, or that holds an unfinished merge (unless resuming, see {@link Options#resume}).
     */
    public static OutputDirectory prepare(Path dir, MergePlan plan, Options options, Warnings warnings) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new CrucibleException("output path " + dir + " exists and is not a directory");
        }
        OutputDirectory out = new OutputDirectory(dir, plan, options, warnings);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CrucibleException("cannot create output directory " + dir + ": " + e.getMessage(), e);
        }
        out.lock = OutputLock.acquire(dir);
        try {
            out.recorded = ExistingOutput.check(dir, options.resume());
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
        return out;
    }

    public Path path() {
        return dir;
    }

    /**
     * Opens the merge journal: a new one, or, when resuming, the interrupted merge's, once its identity is found equal
     * to {@code identity} and its shards are checked on disk. The journal skips the shards found complete.
     *
     * @throws CrucibleException if the unfinished merge in the directory is not this merge, saying what differs
     */
    public MergeJournal begin(MergeIdentity identity, ShardPlan shards) {
        if (recorded.isEmpty()) {
            removePartials();
            journal = MergeJournal.start(dir, identity);
            return journal;
        }
        List<String> differences = identity.differences(recorded.get().identity());
        if (!differences.isEmpty()) {
            throw new CrucibleException(dir + " holds a merge that is not this one (" + String.join("; ", differences)
                    + "), so it cannot be resumed; merge into another directory, or remove this one");
        }
        CompletedShards.Result found = CompletedShards.check(dir, recorded.get(), shards);
        found.damaged().forEach(problem -> warnings.warn("resume: " + problem, problem));
        if (found.intact().size() < shards.shards().size()) {
            // the shards are no longer all complete: nothing may claim a finished checkpoint meanwhile
            delete(ShardIndex.FILE_NAME);
            delete("config.json");
        }
        removePartials();
        journal = MergeJournal.resume(dir, identity, found.intact());
        return journal;
    }

    /** Releases the journal and the lock; what was written stays. */
    @Override
    public void close() {
        try {
            if (journal != null) {
                journal.close();
            }
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
    }

    /** Temporary files of an interrupted write: whoever wrote them is gone (the lock says so). */
    private void removePartials() {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.partial")) {
            for (Path p : entries) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new CrucibleException("cannot remove the partial files in " + dir + ": " + e.getMessage(), e);
        }
    }

    private void delete(String name) {
        try {
            Files.deleteIfExists(dir.resolve(name));
        } catch (IOException e) {
            throw new CrucibleException("cannot remove " + dir.resolve(name) + ": " + e.getMessage(), e);
        }
    }

    /** The dtype config.json announces: out_dtype, else dtype, else unchanged (null). */
    private static DType outputDtype(MergePlan plan) {
        return plan.config().outDtype() != null ? plan.config().outDtype() : plan.config().dtype();
    }

    /** Writes everything but the weights, after the shards are complete; the index goes last. */
    public void finish(ShardPlan shards) {
        // the shards' renames reach the device before anything that says the checkpoint is complete
        AtomicFile.syncDirectory(dir);
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
        AtomicFile.syncDirectory(dir);
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
