package io.switchboard.config;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/** "did you mean ...?" for misspelt keys and names. */
public final class Suggest {

  private Suggest() {}

  /** The closest candidate within a small edit distance (case, '_' and '-' differences are free). */
  public static Optional<String> closest(String input, Collection<String> candidates) {
    String in = normalize(input);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      String cn = normalize(c);
      int limit = Math.min(in.length(), cn.length()) <= 3 ? 1 : 2;
      if (Math.abs(in.length() - cn.length()) > limit) {
        continue; // the distance is at least the difference in length: no need to compute it
      }
      int d = distance(in, cn);
      if (d <= limit && d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }

  /** "; did you mean 'x'?" or "" — to append to a message. */
  public static String didYouMean(String input, Collection<String> candidates) {
    return closest(input, candidates).map(s -> "; did you mean '" + s + "'?").orElse("");
  }

  /** Like {@link #didYouMean(String, Collection)}, also knowing other tools' names for the same thing. */
  public static String didYouMean(String input, Collection<String> candidates, Map<String, String> aliases) {
    String alias = aliases.get(normalize(input));
    if (alias != null) {
      return "; did you mean '" + alias + "'?";
    }
    return didYouMean(input, candidates);
  }

  /** How many names {@link #listing} shows before it says how many there are in all. */
  public static final int LISTED = 10;

  /**
   * "a, b, c" for a message, at most {@value #LISTED} names then "... (N in all)": a message about one
   * mistake stays short however many names a big config declares.
   */
  public static String listing(Collection<String> names) {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    for (String n : names) {
      if (i == LISTED) {
        return sb.append(", ... (").append(names.size()).append(" in all)").toString();
      }
      sb.append(i++ == 0 ? "" : ", ").append(n);
    }
    return sb.toString();
  }

  public static String normalize(String s) {
    return s.toLowerCase().replace('_', '-');
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
  public static int distance(String a, String b) {
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
