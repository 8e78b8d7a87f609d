package dev.crucible.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.yaml.snakeyaml.nodes.Node;

/** Entry point of the package: reads a mergekit YAML config, unchanged, into a validated {@link MergeConfig}. */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /** Reads and parses {@code file}; errors name the file as given. */
    public static MergeConfig load(Path file) {
        return parse(read(file), file.toString());
    }

    /** Parses config text; {@code sourceName} prefixes every error message. */
    public static MergeConfig parse(String yamlText, String sourceName) {
        SourceLines lines = new SourceLines(sourceName);
        Node root = YamlComposer.compose(yamlText, lines);
        if (root == null) {
            throw lines.error("", "the config is empty");
        }
        return MergeConfigReader.read(ConfigNode.root(root, lines), yamlText);
    }

    private static String read(Path file) {
        // Read at most one byte past the limit: the parser would reject a longer text anyway, after it had filled
        // memory, and the file's size cannot be trusted (a pipe, e.g. bash's <(...), reports 0).
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(YamlComposer.MAX_CODE_POINTS + 1);
            if (bytes.length > YamlComposer.MAX_CODE_POINTS) {
                throw new ConfigException("cannot read " + file + ": larger than "
                        + YamlComposer.MAX_CODE_POINTS + " bytes, too large for a merge config");
            }
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + reason(e), e);
        }
    }

    private static String reason(IOException e) {
        return switch (e) {
            case NoSuchFileException _ -> "no such file";
            case AccessDeniedException _ -> "permission denied";
            case CharacterCodingException _ -> "not valid UTF-8 text";
            default -> e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        };
    }
}
