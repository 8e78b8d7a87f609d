package dev.crucible.output;

import dev.crucible.CrucibleException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The donor's tokenizer files that a merge copies verbatim (formats.md §7.2): copied only when the donor has
 * {@code tokenizer_config.json} and a tokenizer proper ({@code tokenizer.json} or {@code tokenizer.model}).
 */
public final class TokenizerFiles {
    static final List<String> NAMES = List.of("tokenizer_config.json", "special_tokens_map.json", "tokenizer.json",
            "tokenizer.model", "added_tokens.json", "merges.txt", "chat_template.jinja", "generation_config.json",
            "chat_template.json", "video_preprocessor_config.json");

    /** Nothing to copy ({@code --no-copy-tokenizer}). */
    public static final TokenizerFiles NONE = new TokenizerFiles(List.of());

    private final List<Path> files;

    private TokenizerFiles(List<Path> files) {
        this.files = files;
    }

    /** The files to copy from {@code donorDir}; empty when the donor has no complete tokenizer. */
    public static TokenizerFiles of(Path donorDir) {
        boolean complete = Files.isRegularFile(donorDir.resolve("tokenizer_config.json"))
                && (Files.isRegularFile(donorDir.resolve("tokenizer.json"))
                || Files.isRegularFile(donorDir.resolve("tokenizer.model")));
        List<Path> found = new ArrayList<>();
        if (complete) {
            for (String name : NAMES) {
                Path p = donorDir.resolve(name);
                if (Files.isRegularFile(p)) {
                    if (!Files.isReadable(p)) {
                        throw new CrucibleException("cannot read tokenizer file " + p);
                    }
                    found.add(p);
                }
            }
        }
        return new TokenizerFiles(List.copyOf(found));
    }

    public boolean isEmpty() {
        return files.isEmpty();
    }

    public List<Path> files() {
        return files;
    }

    void copyInto(Path outDir) {
        for (Path f : files) {
            Path target = outDir.resolve(f.getFileName().toString());
            try {
                Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new CrucibleException("cannot copy " + f + " to " + target + ": " + e.getMessage(), e);
            }
        }
    }
}
