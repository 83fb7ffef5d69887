package social.fedimon.engine.dump;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The rows of an INSERT statement as pg_dump writes them with {@code --inserts}, {@code
 * --column-inserts} or {@code --rows-per-insert}, turned into COPY text lines, so that such a
 * dump's data is counted, verified and loaded as a COPY dump's is. pg_dump writes each value as a
 * literal of one of a few forms (pg_dump.c, dumpTableData_insert): NULL, a number as the server
 * printed it, {@code true}/{@code false}, {@code B'0101'} for bit strings, and any other type as a
 * standard string literal (quotes doubled), which the column's type reads from its text as COPY's
 * does. Anything else (an E'' string, DEFAULT for a generated column, an expression, ON CONFLICT)
 * is not converted: the statement then runs as it is.
 *
 * @param table the table as written ({@code public.accounts})
 * @param columns the column list as written, with its parentheses, or null for all columns
 * @param lines the rows, each a COPY text line without its newline
 */
record InsertRows(String table, @Nullable String columns, List<String> lines) {

  /** The COPY statement these rows are loaded with. */
  String copyStatement() {
    return "COPY " + table + (columns == null ? "" : " " + columns) + " FROM stdin;";
  }

  /** The same rows, with the table's column list when the INSERT had none ({@code (a, b)}). */
  InsertRows withColumns(@Nullable String tableColumns) {
    return columns == null && tableColumns != null
        ? new InsertRows(table, tableColumns, lines)
        : this;
  }

  /**
   * The column list of a {@code CREATE TABLE name (...)} statement (normalized), in order, as a
   * COPY column list: an INSERT without one fills the table's columns in that order. Empty for a
   * table without its own list (a partition, {@code OF type}) or any other statement.
   */
  static Optional<String> tableColumns(String createTable) {
    if (!createTable.regionMatches(true, 0, "CREATE TABLE ", 0, 13)) {
      return Optional.empty();
    }
    Cursor at = new Cursor(createTable, 13);
    if (at.qualifiedName() == null) {
      return Optional.empty();
    }
    at.spaces();
    if (at.peek() != '(') {
      return Optional.empty();
    }
    at.position++;
    List<String> names = new ArrayList<>();
    int depth = 0;
    int elementStart = at.position;
    boolean quoted = false;
    for (; at.position < createTable.length(); at.position++) {
      char c = createTable.charAt(at.position);
      if (quoted) {
        quoted = c != '\'';
        continue;
      }
      if (c == '\'') {
        quoted = true;
      } else if (c == '"') {
        if (!at.name()) {
          return Optional.empty();
        }
        at.position--;
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && depth > 0) {
        depth--;
      } else if ((c == ',' || c == ')') && depth == 0) {
        String element = createTable.substring(elementStart, at.position).strip();
        Cursor first = new Cursor(element, 0);
        String name = first.qualifiedName();
        if (name == null) {
          return Optional.empty();
        }
        String upper = name.toUpperCase(java.util.Locale.ROOT);
        if (!List.of("CONSTRAINT", "CHECK", "UNIQUE", "PRIMARY", "EXCLUDE", "FOREIGN", "LIKE")
            .contains(upper)) {
          names.add(name);
        }
        elementStart = at.position + 1;
        if (c == ')') {
          return names.isEmpty()
              ? Optional.empty()
              : Optional.of("(" + String.join(", ", names) + ")");
        }
      }
    }
    return Optional.empty();
  }

  /** Whether {@code other} goes into the same table and columns (so one COPY can take both). */
  boolean sameTarget(InsertRows other) {
    return table.equals(other.table) && java.util.Objects.equals(columns, other.columns);
  }

  /**
   * The rows of {@code sql} (a statement as the lexer gives it, comments before it included), when
   * it is an INSERT in one of pg_dump's forms and string literals are standard ({@code
   * standard_conforming_strings=on}).
   */
  static Optional<InsertRows> parse(String sql, boolean standardStrings) {
    if (!standardStrings) {
      return Optional.empty();
    }
    int start = afterComments(sql);
    if (!sql.regionMatches(true, start, "INSERT INTO ", 0, 12)) {
      return Optional.empty();
    }
    Cursor at = new Cursor(sql, start + 12);
    String table = at.qualifiedName();
    if (table == null) {
      return Optional.empty();
    }
    at.spaces();
    String columns = null;
    if (at.peek() == '(') {
      columns = at.parenthesized();
      if (columns == null) {
        return Optional.empty();
      }
      at.spaces();
    }
    if (!at.keyword("VALUES")) {
      return Optional.empty();
    }
    List<String> lines = new ArrayList<>();
    while (true) {
      at.spaces();
      String line = at.tuple();
      if (line == null) {
        return Optional.empty();
      }
      lines.add(line);
      at.spaces();
      if (at.peek() == ',') {
        at.position++;
        continue;
      }
      break;
    }
    if (at.peek() == ';') {
      at.position++;
    }
    at.spaces();
    return at.atEnd() ? Optional.of(new InsertRows(table, columns, lines)) : Optional.empty();
  }

  /** Where the statement starts after the line comments and blank space before it. */
  private static int afterComments(String sql) {
    int i = 0;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (sql.startsWith("--", i)) {
        int end = sql.indexOf('\n', i);
        i = end < 0 ? sql.length() : end + 1;
      } else {
        break;
      }
    }
    return i;
  }

  /** A position in the statement text. */
  private static final class Cursor {
    private final String text;
    int position;

    Cursor(String text, int position) {
      this.text = text;
      this.position = position;
    }

    int peek() {
      return position < text.length() ? text.charAt(position) : -1;
    }

    boolean atEnd() {
      return position >= text.length();
    }

    void spaces() {
      while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
        position++;
      }
    }

    boolean keyword(String word) {
      if (text.regionMatches(true, position, word, 0, word.length())) {
        position += word.length();
        return true;
      }
      return false;
    }

    /** {@code schema.table}, each part plain or double-quoted, as written. */
    @Nullable String qualifiedName() {
      int start = position;
      if (!name()) {
        return null;
      }
      if (peek() == '.') {
        position++;
        if (!name()) {
          return null;
        }
      }
      return text.substring(start, position);
    }

    private boolean name() {
      int start = position;
      if (peek() == '"') {
        position++;
        while (position < text.length()) {
          if (text.charAt(position) == '"') {
            if (position + 1 < text.length() && text.charAt(position + 1) == '"') {
              position += 2;
              continue;
            }
            position++;
            return true;
          }
          position++;
        }
        return false;
      }
      while (position < text.length()) {
        char c = text.charAt(position);
        if (Character.isLetterOrDigit(c) || c == '_' || c == '$') {
          position++;
        } else {
          break;
        }
      }
      return position > start;
    }

    /** A column list in parentheses, as written; quoted names may hold anything. */
    @Nullable String parenthesized() {
      int start = position;
      position++; // (
      while (position < text.length()) {
        char c = text.charAt(position);
        if (c == '"') {
          if (!name()) {
            return null;
          }
          continue;
        }
        position++;
        if (c == ')') {
          return text.substring(start, position);
        }
      }
      return null;
    }

    /** One parenthesized row of literals, as a COPY text line; null for any other form. */
    @Nullable String tuple() {
      if (peek() != '(') {
        return null;
      }
      position++;
      StringBuilder line = new StringBuilder();
      while (true) {
        spaces();
        if (!value(line)) {
          return null;
        }
        spaces();
        int next = peek();
        position++;
        if (next == ')') {
          return line.toString();
        }
        if (next != ',') {
          return null;
        }
        line.append('\t');
      }
    }

    private boolean value(StringBuilder line) {
      int c = peek();
      if (c == '\'') {
        return string(line);
      }
      if ((c == 'B' || c == 'b')
          && position + 1 < text.length()
          && text.charAt(position + 1) == '\'') {
        position++;
        return string(line);
      }
      int start = position;
      while (position < text.length()) {
        char ch = text.charAt(position);
        if (ch == ',' || ch == ')' || Character.isWhitespace(ch)) {
          break;
        }
        position++;
      }
      String word = text.substring(start, position);
      if (word.equalsIgnoreCase("NULL")) {
        line.append("\\N");
        return true;
      }
      if (word.equalsIgnoreCase("true") || word.equalsIgnoreCase("false")) {
        line.append(word.toLowerCase(java.util.Locale.ROOT));
        return true;
      }
      // a number as the server printed it (pg_dump checks it holds only these characters)
      if (!word.isEmpty() && word.chars().allMatch(ch -> "0123456789+-eE.".indexOf(ch) >= 0)) {
        line.append(word);
        return true;
      }
      return false; // DEFAULT, an expression, a cast: not pg_dump's --inserts output
    }

    /** A standard string literal, quotes doubled inside, written in COPY's escaped text. */
    private boolean string(StringBuilder line) {
      position++; // the opening quote
      while (position < text.length()) {
        char c = text.charAt(position++);
        if (c == '\'') {
          if (peek() == '\'') {
            position++;
            line.append('\'');
            continue;
          }
          // a literal continued on the next line ('a' 'b') is SQL too, but not pg_dump's
          int next = peek();
          return next == ',' || next == ')' || next == ' ' || next == -1;
        }
        switch (c) {
          case '\\' -> line.append("\\\\");
          case '\n' -> line.append("\\n");
          case '\r' -> line.append("\\r");
          case '\t' -> line.append("\\t");
          default -> line.append(c);
        }
      }
      return false;
    }
  }
}
