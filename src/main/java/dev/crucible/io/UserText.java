package dev.crucible.io;

/**
 * Renders untrusted strings (tensor names from headers, parser messages) for one-line error messages:
 * control characters are escaped so a hostile name cannot break the line, and very long names are cut.
 */
final class UserText {
    private static final int MAX_QUOTED = 200;

    private UserText() {
    }

    /** The string in double quotes, JSON-style escapes, at most {@value MAX_QUOTED} characters shown. */
    static String quote(String s) {
        String shown = s.length() > MAX_QUOTED ? s.substring(0, MAX_QUOTED) + "..." : s;
        return '"' + oneLine(shown.replace("\\", "\\\\").replace("\"", "\\\"")) + '"';
    }

    /** The text with line breaks and other control characters escaped. */
    static String oneLine(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
