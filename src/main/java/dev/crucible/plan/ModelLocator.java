package dev.crucible.plan;

import dev.crucible.config.ModelReference;
import dev.crucible.config.SourceLines;
import dev.crucible.io.Checkpoint;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Finds a model reference on disk. Crucible merges local checkpoints only: it never downloads, so Hub ids,
 * revisions and LoRA adapters are refused with one clear error naming the reference and its YAML line.
 */
final class ModelLocator {
    private ModelLocator() {
    }

    static Checkpoint open(ModelReference ref, SourceLines lines, String keyPath) {
        if (ref.hasLora()) {
            throw lines.error(keyPath, ref.text() + ": LoRA adapters (+adapter) are not supported yet;"
                    + " merge the adapter into its model first");
        }
        if (ref.revision() != null) {
            throw lines.error(keyPath, ref.text() + ": revisions (@rev) name Hub snapshots, which Crucible does not"
                    + " download; give the local directory of that revision");
        }
        Path path;
        try {
            path = Path.of(ref.path());
        } catch (InvalidPathException e) {
            throw lines.error(keyPath, "'" + ref.path() + "' is not a valid path");
        }
        if (!Files.exists(path)) {
            throw lines.error(keyPath, ref.path() + ": no such local directory (Crucible does not download"
                    + " models from the Hugging Face Hub; download it first, e.g. with huggingface-cli download)");
        }
        return Checkpoint.open(path);
    }
}
