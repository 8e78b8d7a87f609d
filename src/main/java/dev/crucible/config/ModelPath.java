package dev.crucible.config;

/** One half of a model reference, {@code PATH[@REVISION]}: the model itself or its LoRA adapter. */
record ModelPath(String path, String revision) {

    /** Splits on '@' as mergekit's {@code ModelPath} does; more than one '@' is an error. */
    static ModelPath parse(String text) {
        int at = text.indexOf('@');
        if (at < 0) {
            return new ModelPath(text, null);
        }
        if (text.indexOf('@', at + 1) >= 0) {
            throw new IllegalArgumentException("Invalid model path - multiple @: " + text);
        }
        return new ModelPath(text.substring(0, at), text.substring(at + 1));
    }

    /** Rejects the empty parts that {@code "a+"} or {@code "a@"} leave behind. */
    void check() {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("Invalid model path - empty path");
        }
        if (revision != null && revision.isEmpty()) {
            throw new IllegalArgumentException("Invalid model path - empty revision: " + path + "@");
        }
    }

    String text() {
        return revision == null ? path : path + "@" + revision;
    }
}
