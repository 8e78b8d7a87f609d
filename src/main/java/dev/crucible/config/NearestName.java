package dev.crucible.config;

import java.util.Collection;
import java.util.Optional;

/** Finds the valid name a misspelt one was probably meant to be, for "did you mean" hints. */
final class NearestName {
    private NearestName() {
    }

    /**
     * The candidate closest to {@code typed} by edit distance (an adjacent transposition counts as one edit),
     * if it is within a third of the shorter name's length (at least one edit); ties go to the earlier candidate.
     */
    static Optional<String> nearest(String typed, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int allowed = Math.max(1, Math.min(typed.length(), candidate.length()) / 3);
            // The distance is at least the difference in length; skipping such pairs also keeps a huge typed
            // name from costing a table of its length times the candidate's.
            if (Math.abs(typed.length() - candidate.length()) > allowed) {
                continue;
            }
            int distance = distance(typed, candidate);
            if (distance <= allowed && distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return Optional.ofNullable(best);
    }

    /** {@code " (did you mean 'x'?)"}, or nothing when no candidate is close. */
    static String hint(String typed, Collection<String> candidates) {
        return nearest(typed, candidates).map(name -> " (did you mean '" + name + "'?)").orElse("");
    }

    /** Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent transpositions. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
