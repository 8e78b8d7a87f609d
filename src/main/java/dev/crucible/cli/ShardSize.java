package dev.crucible.cli;

import dev.crucible.CrucibleException;

import java.util.Locale;

/**
 * Parses {@code --out-shard-size} as mergekit's {@code parse_kmb} does: digits, or an integer followed by k, m or b
 * (case-insensitive, decimal: {@code 5B} = 5,000,000,000 bytes). {@code 1.5B} is an error, as in mergekit.
 */
final class ShardSize {
    private ShardSize() {
    }

    static long parse(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        long multiplier = 1;
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'k' -> multiplier = 1_000L;
                case 'm' -> multiplier = 1_000_000L;
                case 'b' -> multiplier = 1_000_000_000L;
                default -> { }
            }
        }
        String digits = multiplier == 1 ? s : s.substring(0, s.length() - 1);
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) {
            throw new CrucibleException("--out-shard-size " + text + ": expected an integer with an optional k, m"
                    + " or b suffix, e.g. 5B or 500M");
        }
        try {
            long value = Math.multiplyExact(Long.parseLong(digits), multiplier);
            if (value <= 0) {
                throw new CrucibleException("--out-shard-size " + text + ": must be positive");
            }
            return value;
        } catch (ArithmeticException | NumberFormatException e) {
            throw new CrucibleException("--out-shard-size " + text + ": too large");
        }
    }
}
