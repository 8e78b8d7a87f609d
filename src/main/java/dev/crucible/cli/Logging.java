package dev.crucible.cli;

/**
 * Configures slf4j-simple before the first logger exists: mergekit's levels ({@code -v} = info, {@code -vv} =
 * debug, default warnings), messages on stderr without thread or logger names.
 */
final class Logging {
    private Logging() {
    }

    static void configure(int verbosity) {
        String level = verbosity >= 2 ? "debug" : verbosity == 1 ? "info" : "warn";
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showLogName", "false");
        System.setProperty("org.slf4j.simpleLogger.levelInBrackets", "false");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    }
}
