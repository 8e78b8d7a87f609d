package dev.crucible.config;

/**
 * A model named in the config (config-and-cli.md §3): a local directory or hub id, an optional revision, an
 * optional LoRA adapter with its own revision, and an optional replacement for {@code config.architectures}.
 * Two references denote the same model iff all fields are equal; {@link #text()} names it in messages.
 */
public record ModelReference(String path, String revision, String loraPath, String loraRevision,
        String overrideArchitecture) {

    public ModelReference {
        new ModelPath(path, revision).check();
        if (loraPath != null) {
            new ModelPath(loraPath, loraRevision).check();
        } else if (loraRevision != null) {
            throw new IllegalArgumentException("a LoRA revision needs a LoRA path");
        }
    }

    /**
     * Parses {@code PATH[@REV][+LORA[@REV]]}.
     *
     * @throws IllegalArgumentException with mergekit's wording for more than one '+' or '@'
     */
    public static ModelReference parse(String text) {
        String[] parts = text.split("\\+", -1);
        return switch (parts.length) {
            case 1 -> of(ModelPath.parse(text), null, null);
            case 2 -> of(ModelPath.parse(parts[0]), ModelPath.parse(parts[1]), null);
            default -> throw new IllegalArgumentException("Can't parse " + text + " - more than one '+'");
        };
    }

    static ModelReference of(ModelPath model, ModelPath lora, String overrideArchitecture) {
        return new ModelReference(model.path(), model.revision(),
                lora == null ? null : lora.path(), lora == null ? null : lora.revision(), overrideArchitecture);
    }

    /** The canonical string form {@code PATH[@REV][+LORA[@REV]]}; the architecture override is not part of it. */
    public String text() {
        String model = new ModelPath(path, revision).text();
        return hasLora() ? model + "+" + new ModelPath(loraPath, loraRevision).text() : model;
    }

    public boolean hasLora() {
        return loraPath != null;
    }

    @Override
    public String toString() {
        return text();
    }
}
