package dev.crucible.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crucible.CrucibleException;
import dev.crucible.config.MergeConfig;
import dev.crucible.plan.PlannedModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code chat_template} key (config-and-cli.md §9): {@code auto} picks the most common template among the
 * inputs (ties to the first in config order), any other text of at least 20 characters containing a brace is the
 * template itself. mergekit's bundled template names are refused: Crucible does not ship their texts yet.
 */
final class ChatTemplate {
    private static final Set<String> BUNDLED_NAMES = Set.of("alpaca", "chatml", "exaone", "llama3", "mistral");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ChatTemplate() {
    }

    /** The template to install, or empty to keep the donor's files as they are. */
    static Optional<String> resolve(MergeConfig config, List<PlannedModel> models) {
        String value = config.chatTemplate();
        if (value == null) {
            return Optional.empty();
        }
        if (value.equals("auto")) {
            return mostCommon(models);
        }
        if (BUNDLED_NAMES.contains(value)) {
            throw config.lines().error("chat_template", "mergekit's bundled template '" + value + "' is not"
                    + " shipped with Crucible; paste the template text instead");
        }
        if (value.length() < 20 || !value.contains("{")) {
            throw config.lines().error("chat_template", "Invalid chat template: expected 'auto' or a Jinja template"
                    + " (at least 20 characters, containing '{')");
        }
        return Optional.of(value);
    }

    private static Optional<String> mostCommon(List<PlannedModel> models) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (PlannedModel m : models) {
            read(m.checkpoint().directory()).ifPresent(t -> counts.merge(t, 1, Integer::sum));
        }
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey);
    }

    /** A model's template: chat_template.jinja, else the string in tokenizer_config.json; whitespace-stripped. */
    private static Optional<String> read(Path dir) {
        try {
            Path jinja = dir.resolve("chat_template.jinja");
            if (Files.isRegularFile(jinja)) {
                String t = Files.readString(jinja).strip();
                return t.isEmpty() ? Optional.empty() : Optional.of(t);
            }
            Path tc = dir.resolve("tokenizer_config.json");
            if (Files.isRegularFile(tc)) {
                JsonNode t = JSON.readTree(tc.toFile()).path("chat_template");
                return t.isTextual() && !t.asText().isBlank() ? Optional.of(t.asText().strip()) : Optional.empty();
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new CrucibleException("cannot read the chat template of " + dir + ": " + e.getMessage(), e);
        }
    }
}
