package social.fedimon.engine.dump;

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
