package social.fedimon.engine.mastodon;

import java.util.LinkedHashMap;
import java.util.Map;
import social.fedimon.engine.BackupRejected;
import social.fedimon.engine.ProblemCode;

/**
 * The dotenv syntax Mastodon reads its {@code .env.production} with (Ruby's dotenv gem): {@code
 * KEY=value} lines, {@code #} comments and blank lines, an optional {@code export } prefix, {@code
 * KEY: value} too; single-quoted values are literal, double-quoted ones understand {@code \n},
 * {@code \"} and {@code \\} and may span lines; an unquoted value ends at {@code #} and is trimmed.
 * {@code ${VAR}} references are kept as written.
 */
final class EnvParser {

  /** A real env file is a few KiB; this leaves a hundred times that. */
  static final int MAX_BYTES = 1 << 20;

  /** Mastodon documents about 150 variables. */
  static final int MAX_KEYS = 10_000;

  private final String text;
  private int pos;
  private int line = 1;

  private EnvParser(String text) {
    this.text = text;
  }

  static EnvFile parse(String text) {
    if (text.length() > MAX_BYTES) {
      throw BackupRejected.of(
          ProblemCode.SIZE_LIMIT, "the env file is longer than " + MAX_BYTES + " characters");
    }
    EnvParser parser = new EnvParser(text.startsWith("\uFEFF") ? text.substring(1) : text);
    Map<String, String> values = new LinkedHashMap<>();
    while (parser.pos < parser.text.length()) {
      parser.entry(values);
      if (values.size() > MAX_KEYS) {
        throw BackupRejected.of(
            ProblemCode.SIZE_LIMIT, "the env file has more than " + MAX_KEYS + " variables");
      }
    }
    return new EnvFile(values);
  }

  private void entry(Map<String, String> values) {
    skipBlanks();
    if (atLineEnd()) {
      nextLine();
      return;
    }
    if (peek() == '#') {
      skipToLineEnd();
      nextLine();
      return;
    }
    if (text.startsWith("export", pos)
        && pos + 6 < text.length()
        && isBlank(text.charAt(pos + 6))) {
      pos += 6;
      skipBlanks();
    }
    int keyStart = pos;
    while (pos < text.length() && isKeyChar(text.charAt(pos))) {
      pos++;
    }
    String key = text.substring(keyStart, pos);
    skipBlanks();
    boolean separator = pos < text.length() && (peek() == '=' || peek() == ':');
    if (key.isEmpty() || !separator) {
      // not a variable line: dotenv ignores it
      skipToLineEnd();
      nextLine();
      return;
    }
    pos++;
    skipBlanks();
    String value;
    if (pos < text.length() && peek() == '\'') {
      value = quoted('\'');
    } else if (pos < text.length() && peek() == '"') {
      value = quoted('"');
    } else {
      int start = pos;
      while (!atLineEnd() && peek() != '#') {
        pos++;
      }
      value = text.substring(start, pos).strip();
    }
    skipToLineEnd();
    nextLine();
    values.remove(key);
    values.put(key, value);
  }

  private String quoted(char quote) {
    int startLine = line;
    pos++;
    StringBuilder value = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == quote) {
        return value.toString();
      }
      if (c == '\n') {
        line++;
      }
      if (c == '\\' && pos < text.length()) {
        char next = text.charAt(pos);
        if (quote == '"') {
          pos++;
          switch (next) {
            case 'n' -> value.append('\n');
            case 'r' -> value.append('\r');
            case 't' -> value.append('\t');
            case '$' -> value.append('$');
            default -> value.append(next);
          }
          continue;
        }
        if (next == '\'') {
          pos++;
          value.append('\'');
          continue;
        }
      }
      value.append(c);
    }
    // an unterminated quote runs to the end of the file in dotenv; say where it began instead
    throw BackupRejected.of(
        ProblemCode.CORRUPT,
        "the env file has a quote opened on line " + startLine + " that is never closed");
  }

  private char peek() {
    return text.charAt(pos);
  }

  private boolean atLineEnd() {
    return pos >= text.length() || text.charAt(pos) == '\n' || text.charAt(pos) == '\r';
  }

  private void skipBlanks() {
    while (pos < text.length() && isBlank(text.charAt(pos))) {
      pos++;
    }
  }

  private void skipToLineEnd() {
    while (!atLineEnd()) {
      pos++;
    }
  }

  private void nextLine() {
    if (pos < text.length() && text.charAt(pos) == '\r') {
      pos++;
    }
    if (pos < text.length() && text.charAt(pos) == '\n') {
      pos++;
    }
    line++;
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  private static boolean isKeyChar(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '.';
  }
}
