package social.fedimon.engine.dump;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** One row of COPY text format: tab-separated fields, {@code \N} for NULL, backslash escapes. */
public final class CopyText {

  private CopyText() {}

  /** The fields of {@code line} (without its newline), decoded; null for NULL. */
  public static List<@Nullable String> fields(String line) {
    List<@Nullable String> fields = new ArrayList<>();
    int start = 0;
    while (true) {
      int tab = line.indexOf('\t', start);
      int end = tab < 0 ? line.length() : tab;
      int backslash = line.indexOf('\\', start);
      // most fields hold no escape: take them as they are
      fields.add(
          backslash < 0 || backslash >= end
              ? line.substring(start, end)
              : decode(line, start, end));
      if (tab < 0) {
        return fields;
      }
      start = tab + 1;
    }
  }

  /**
   * Only the fields at {@code indexes} (ascending) of {@code line}, decoded; the others are skipped
   * without being copied. A field past the end of the line is null.
   */
  public static @Nullable String[] select(String line, int[] indexes) {
    @Nullable String[] values = new String[indexes.length];
    int field = 0;
    int start = 0;
    int wanted = 0;
    while (wanted < indexes.length) {
      int tab = line.indexOf('\t', start);
      int end = tab < 0 ? line.length() : tab;
      if (field == indexes[wanted]) {
        int backslash = line.indexOf('\\', start);
        values[wanted++] =
            backslash < 0 || backslash >= end
                ? line.substring(start, end)
                : decode(line, start, end);
      }
      if (tab < 0) {
        break;
      }
      start = tab + 1;
      field++;
    }
    return values;
  }

  /**
   * {@link #select(String, int[])} on the bytes of one line, {@code [from, to)}, without decoding
   * the fields that are not wanted: escapes and separators are ASCII, and UTF-8 never uses ASCII
   * bytes inside a multi-byte character, so fields are found byte by byte.
   */
  public static @Nullable String[] select(byte[] bytes, int from, int to, int[] indexes) {
    @Nullable String[] values = new String[indexes.length];
    int field = 0;
    int start = from;
    int wanted = 0;
    while (wanted < indexes.length) {
      int end = start;
      boolean escaped = false;
      while (end < to && bytes[end] != '\t') {
        escaped |= bytes[end] == '\\';
        end++;
      }
      if (field == indexes[wanted]) {
        values[wanted++] =
            escaped
                ? decode(bytes, start, end)
                : new String(bytes, start, end - start, StandardCharsets.UTF_8);
      }
      if (end >= to) {
        break;
      }
      start = end + 1;
      field++;
    }
    return values;
  }

  private static @Nullable String decode(byte[] bytes, int start, int end) {
    if (end - start == 2 && bytes[start] == '\\' && bytes[start + 1] == 'N') {
      return null;
    }
    byte[] field = new byte[end - start];
    int n = 0;
    for (int i = start; i < end; i++) {
      byte c = bytes[i];
      if (c == '\\' && i + 1 < end) {
        byte next = bytes[++i];
        field[n++] =
            switch (next) {
              case 't' -> (byte) '\t';
              case 'n' -> (byte) '\n';
              case 'r' -> (byte) '\r';
              case 'b' -> (byte) '\b';
              case 'f' -> (byte) '\f';
              case 'v' -> (byte) 0x0B;
              default -> next;
            };
      } else {
        field[n++] = c;
      }
    }
    return new String(field, 0, n, StandardCharsets.UTF_8);
  }

  private static @Nullable String decode(String line, int start, int end) {
    if (end - start == 2 && line.charAt(start + 1) == 'N') {
      return null;
    }
    StringBuilder field = new StringBuilder(end - start);
    for (int i = start; i < end; i++) {
      char c = line.charAt(i);
      if (c == '\\' && i + 1 < end) {
        char next = line.charAt(++i);
        switch (next) {
          case 't' -> field.append('\t');
          case 'n' -> field.append('\n');
          case 'r' -> field.append('\r');
          case 'b' -> field.append('\b');
          case 'f' -> field.append('\f');
          case 'v' -> field.append('\u000B');
          default -> field.append(next);
        }
      } else {
        field.append(c);
      }
    }
    return field.toString();
  }
}
