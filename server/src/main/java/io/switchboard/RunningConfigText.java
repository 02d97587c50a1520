package io.switchboard;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The running config's text as {@code GET /api/v1/config} shows it: the file as it was last applied, with secrets
 * taken out. The config names secret files by path ({@code rest.token-file}, a TLS {@code key}); their contents are
 * never read for this. Should a file hold a secret itself, it is replaced by {@value #REDACTED}: a PEM block (a
 * private key or any other), and the value of a key named {@code token}, {@code password}, {@code passphrase},
 * {@code secret} or {@code private-key}, or ending in one of them after a dash ({@code cluster-password}), but
 * never a {@code -file} key, whose value is a path.
 */
final class RunningConfigText {
  static final String REDACTED = "<redacted>";
  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----.*?(-----END \\1-----|\\z)", Pattern.DOTALL);
  private static final String SECRET_KEY = "(?:[A-Za-z0-9_-]*-)?(?:token|password|passphrase|secret|private-key)";
  /** {@code key: value} on its own line (in a mapping or a list item). */
  private static final Pattern BLOCK = Pattern.compile(
      "(?i)^(\\s*(?:-\\s+)?)([\"']?)(" + SECRET_KEY + ")\\2(\\s*:)(?:\\s+(.*))?$");
  /** {@code key: value} inside a flow mapping: {@code {token: abc, ...}}. */
  private static final Pattern FLOW = Pattern.compile(
      "(?i)([{,]\\s*[\"']?" + SECRET_KEY + "[\"']?\\s*:\\s*)(\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'|[^,}]*?)(\\s*[,}])");

  private RunningConfigText() {}

  static String redact(String yaml) {
    String text = PEM.matcher(yaml).replaceAll(Matcher.quoteReplacement(REDACTED));
    StringBuilder out = new StringBuilder();
    int blockIndent = -1; // inside a secret's block scalar (| or >): its key's indent
    for (String line : text.split("\n", -1)) {
      int indent = line.length() - line.stripLeading().length();
      if (blockIndent >= 0) {
        if (line.isBlank() || indent > blockIndent) {
          continue; // a line of the secret
        }
        blockIndent = -1;
      }
      Matcher b = BLOCK.matcher(line);
      if (b.matches()) {
        String value = b.group(5) == null ? "" : b.group(5).strip();
        if (!value.isEmpty() && !value.startsWith("#")) {
          if (value.startsWith("|") || value.startsWith(">")) {
            blockIndent = indent;
          }
          out.append(b.group(1)).append(b.group(2)).append(b.group(3)).append(b.group(2)).append(b.group(4))
              .append(' ').append(REDACTED).append('\n');
          continue;
        }
      }
      out.append(FLOW.matcher(line).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + REDACTED + m.group(3))))
          .append('\n');
    }
    return out.substring(0, out.length() - 1);
  }
}
