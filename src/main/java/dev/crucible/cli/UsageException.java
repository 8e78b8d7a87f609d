package dev.crucible.cli;

/** A malformed command line (missing argument, bad option value); printed with the command's usage. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
