package dev.crucible.io;

/**
 * Byte-wise UTF-8 order of names, the order of the reference writer (Rust) and of Python's sorted().
 * It equals code point order; String.compareTo compares UTF-16 units and disagrees above U+E000.
 */
final class Utf8Order {
    private Utf8Order() {
    }

    static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }
}
