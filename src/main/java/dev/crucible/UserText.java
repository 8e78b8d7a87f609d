package dev.crucible;

/**
 * Renders untrusted strings (tensor names from headers, config keys, parser messages) for one-line error
 * messages: control characters are escaped so hostile text cannot break the line, and very long text is cut.
 */
public final class UserText {
    private static final int MAX_QUOTED = 200;

    private UserText() {
    }

    /** The string in double quotes, JSON-style escapes, at most {@value MAX_QUOTED} characters shown. */
    public static String quote(String s) {
        String shown = s.length() > MAX_QUOTED ? s.substring(0, MAX_QUOTED) + "..." : s;
        return '"' + oneLine(shown.replace("\\", "\\\\").replace("\"", "\\\"")) + '"';
    }

    /** The text with line breaks and other control characters escaped. */
    public static String oneLine(String s) {
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

    /**
     * The text on one line of at most {@code maxLength} characters; a longer one keeps its start (which names
     * the file) and its end (which often names the kind of error) and says how much was left out between them.
     */
    public static String oneLine(String s, int maxLength) {
        String line = oneLine(s);
        if (line.length() <= maxLength) {
            return line;
        }
        String omitted = " ...[" + line.length() + " characters, shortened]... ";
        int tail = maxLength / 4;
        int head = Math.max(0, maxLength - tail - omitted.length());
        return line.substring(0, head) + omitted + line.substring(line.length() - tail);
    }
}
