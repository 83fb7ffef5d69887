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
    StringBuilder field = new StringBuilder();
    boolean escaped = false;
    boolean isNull = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\t') {
        fields.add(isNull ? null : field.toString());
        field.setLength(0);
        isNull = false;
        continue;
      }
      if (c == '\\' && i + 1 < line.length()) {
        char next = line.charAt(++i);
        switch (next) {
          case 'N' -> isNull = field.length() == 0;
          case 't' -> field.append('\t');
          case 'n' -> field.append('\n');
          case 'r' -> field.append('\r');
          case 'b' -> field.append('\b');
          case 'f' -> field.append('\f');
          case 'v' -> field.append('\u000B');
          default -> field.append(next);
        }
        escaped = true;
        continue;
      }
      field.append(c);
    }
    fields.add(isNull ? null : field.toString());
    return fields;
  }
}
