package social.fedimon.engine.dump;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import social.fedimon.engine.ProblemCode;
import social.fedimon.engine.archive.BulkInputStream;

/**
 * Splits plain SQL, as pg_dump writes it and psql would read it, into statements, psql
 * meta-commands and COPY data, streaming. It knows what psql knows: single-quoted strings (with
 * backslash escapes in {@code E''} strings, and everywhere when standard_conforming_strings is
 * off), quoted identifiers, dollar quotes ({@code $$}, {@code $tag$}), {@code --} and nested {@code
 * /* *}{@code /} comments, parentheses (a {@code ;} inside them does not end a statement), and a
 * backslash outside all of these, which psql takes as a meta-command wherever it is.
 *
 * <p>Works on bytes: every character with meaning is ASCII, and UTF-8 never puts an ASCII byte
 * inside a multi-byte character.
 */
public final class SqlLexer {

  /** One statement longer than this is not what pg_dump writes (rows are COPY data). */
  public static final int MAX_STATEMENT_BYTES = 64 << 20;

  private static final int BUFFER = 256 * 1024;
  private static final Pattern COPY_FROM_STDIN =
      Pattern.compile("(?is)^\\s*COPY\\s.*\\sFROM\\s+stdin\\b.*");

  /** What the lexer found. */
  public sealed interface Item {}

  /**
   * A statement, with its terminating semicolon.
   *
   * @param sql the text, comments included
   * @param line the line it starts on (1-based)
   * @param tocComment the type from pg_dump's comment before it ({@code INDEX}...), or empty
   */
  public record Statement(String sql, long line, String tocComment) implements Item {}

  /**
   * A psql meta-command: the backslash and the rest of its line.
   *
   * @param text e.g. {@code \restrict KEY} or {@code \! rm -rf /}
   * @param line where it is
   */
  public record MetaCommand(String text, long line) implements Item {}

  /**
   * The data of the COPY statement just returned, up to (not including) its {@code \.} line. Read
   * it (or not) before asking for the next item.
   *
   * @param data the rows in COPY text format, one per line
   * @param line the first data line
   */
  public record CopyData(InputStream data, long line) implements Item {}

  private final InputStream in;
  private final byte[] buffer = new byte[BUFFER];
  private int pos;
  private int limit;
  private long line = 1;
  private boolean standardStrings = true;
  private boolean copyPending;
  private String lastTocType = "";
  private @org.jspecify.annotations.Nullable String dumpedFrom;
  private @org.jspecify.annotations.Nullable String dumpedBy;
  private boolean clusterDump;
  // tables whose data pg_dump announced ("-- Data for Name: t; Type: TABLE DATA; Schema: s"),
  // not yet taken by the reader: an INSERT dump writes nothing after it for an empty table
  private final List<String> dataAnnounced = new ArrayList<>();

  public SqlLexer(InputStream in) {
    this.in = in;
  }

  /** psql's standard_conforming_strings: off makes backslash an escape in every string. */
  /** Whether string literals are standard now (backslashes are plain characters in them). */
  public boolean standardConformingStrings() {
    return standardStrings;
  }

  public void standardConformingStrings(boolean on) {
    this.standardStrings = on;
  }

  /** The next item, or null at the end. */
  public Item next() throws IOException {
    if (copyPending) {
      copyPending = false;
      return new CopyData(new CopyDataStream(), line);
    }
    ByteArrayOutputStream statement = new ByteArrayOutputStream();
    long startLine = -1;
    int parenDepth = 0;
    while (true) {
      int c = read();
      if (c < 0) {
        if (startLine >= 0 && hasNonBlank(statement)) {
          // pg_dump always ends statements with ';'; text after the last one is not SQL we run
          throw DumpRejected.of(
              ProblemCode.CORRUPT,
              "the dump ends in the middle of a statement that began on line " + startLine);
        }
        return null;
      }
      if (startLine < 0) {
        if (c == '\n') {
          line++;
          continue;
        }
        if (c == ' ' || c == '\t' || c == '\r') {
          continue;
        }
        if (c == '-' && peek() == '-') {
          String comment = lineComment();
          noteTocComment(comment);
          continue;
        }
        if (c == '\\') {
          return metaCommand();
        }
        startLine = line;
      }
      switch (c) {
        case '\n' -> {
          line++;
          append(statement, c);
        }
        case '\'' -> {
          append(statement, c);
          boolean escapes = !standardStrings || escapeStringPrefix(statement);
          quoted(statement, '\'', escapes);
        }
        case '"' -> {
          append(statement, c);
          quoted(statement, '"', false);
        }
        case '-' -> {
          if (peek() == '-') {
            append(statement, c);
            String comment = lineComment();
            appendAll(statement, comment);
            append(statement, '\n');
          } else {
            append(statement, c);
          }
        }
        case '/' -> {
          append(statement, c);
          if (peek() == '*') {
            blockComment(statement);
          }
        }
        case '$' -> {
          append(statement, c);
          dollar(statement);
        }
        case '(' -> {
          parenDepth++;
          append(statement, c);
        }
        case ')' -> {
          parenDepth = Math.max(0, parenDepth - 1);
          append(statement, c);
        }
        case '\\' -> {
          // psql runs a backslash outside quotes as a meta-command, even mid-statement
          return metaCommand();
        }
        case ';' -> {
          append(statement, c);
          if (parenDepth == 0) {
            String sql = statement.toString(StandardCharsets.UTF_8);
            copyPending = COPY_FROM_STDIN.matcher(stripComments(sql)).matches();
            if (copyPending) {
              skipToLineEnd();
            }
            String toc = lastTocType;
            lastTocType = "";
            return new Statement(sql, startLine, toc);
          }
        }
        default -> append(statement, c);
      }
    }
  }

  private boolean hasNonBlank(ByteArrayOutputStream statement) {
    return !statement.toString(StandardCharsets.UTF_8).isBlank();
  }

  /** The source server's version from pg_dump's header comment, once read past it. */
  public @org.jspecify.annotations.Nullable String dumpedFrom() {
    return dumpedFrom;
  }

  /** pg_dump's version from its header comment, once read past it. */
  public @org.jspecify.annotations.Nullable String dumpedBy() {
    return dumpedBy;
  }

  /** Announced tables held at once: a reader takes them after every item. */
  private static final int MAX_ANNOUNCED = 10_000;

  /**
   * The tables whose data pg_dump announced since the last call, as quoted qualified names: the
   * reader learns of an empty table of an INSERT dump, which has no statement of its own.
   */
  public List<String> takeDataAnnounced() {
    if (dataAnnounced.isEmpty()) {
      return List.of();
    }
    List<String> taken = List.copyOf(dataAnnounced);
    dataAnnounced.clear();
    return taken;
  }

  /** An identifier as SQL needs it written: as it is when plain, else double-quoted. */
  static String quoted(String name) {
    return name.matches("[a-z_][a-z0-9_$]*") ? name : "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /** Whether pg_dumpall's header was read: "-- PostgreSQL database cluster dump". */
  public boolean clusterDump() {
    return clusterDump;
  }

  private void noteTocComment(String comment) {
    // the comment text starts after the first '-': "- Dumped from database version 15.4"
    if (comment.strip().equals("- PostgreSQL database cluster dump")) {
      clusterDump = true;
    } else if (comment.startsWith("- Dumped from database version ")) {
      dumpedFrom = versionOf(comment.substring("- Dumped from database version ".length()));
    } else if (comment.startsWith("- Dumped by pg_dump version ")) {
      dumpedBy = versionOf(comment.substring("- Dumped by pg_dump version ".length()));
    }
    // pg_dump: "-- Name: accounts_pkey; Type: CONSTRAINT; Schema: public; Owner: mastodon"
    int type = comment.indexOf("; Type: ");
    if (comment.startsWith("- Name: ") || comment.startsWith("- Data for Name: ")) {
      if (type >= 0) {
        int end = comment.indexOf(';', type + 8);
        lastTocType = comment.substring(type + 8, end < 0 ? comment.length() : end);
        int schema = comment.indexOf("; Schema: ", type);
        if (comment.startsWith("- Data for Name: ")
            && lastTocType.equals("TABLE DATA")
            && schema >= 0
            && dataAnnounced.size() < MAX_ANNOUNCED) {
          String name = comment.substring("- Data for Name: ".length(), type);
          int schemaEnd = comment.indexOf(';', schema + 10);
          String schemaName =
              comment.substring(schema + 10, schemaEnd < 0 ? comment.length() : schemaEnd);
          dataAnnounced.add(quoted(schemaName) + "." + quoted(name));
        }
      }
    }
  }

  /** "15.4 (Debian 15.4-1.pgdg120+1)" is version 15.4. */
  private static String versionOf(String text) {
    String trimmed = text.strip();
    int space = trimmed.indexOf(' ');
    return space < 0 ? trimmed : trimmed.substring(0, space);
  }

  /** After {@code '}: E'...' (or e'...') strings understand backslash escapes. */
  private static boolean escapeStringPrefix(ByteArrayOutputStream statement) {
    byte[] bytes = statement.toByteArray();
    int quote = bytes.length - 1;
    if (quote < 1) {
      return false;
    }
    byte prefix = bytes[quote - 1];
    if (prefix != 'E' && prefix != 'e') {
      return false;
    }
    return quote < 2 || !isIdentifierByte(bytes[quote - 2]);
  }

  private void quoted(ByteArrayOutputStream statement, int quote, boolean escapes)
      throws IOException {
    while (true) {
      int c = read();
      if (c < 0) {
        throw unterminated(quote == '\'' ? "string" : "quoted identifier");
      }
      append(statement, c);
      if (c == '\n') {
        line++;
      } else if (escapes && c == '\\') {
        int next = read();
        if (next < 0) {
          throw unterminated("string");
        }
        if (next == '\n') {
          line++;
        }
        append(statement, next);
      } else if (c == quote) {
        if (peek() == quote) {
          append(statement, read());
        } else {
          return;
        }
      }
    }
  }

  private void blockComment(ByteArrayOutputStream statement) throws IOException {
    append(statement, read()); // the '*'
    int depth = 1;
    while (depth > 0) {
      int c = read();
      if (c < 0) {
        throw unterminated("comment");
      }
      append(statement, c);
      if (c == '\n') {
        line++;
      } else if (c == '/' && peek() == '*') {
        append(statement, read());
        depth++;
      } else if (c == '*' && peek() == '/') {
        append(statement, read());
        depth--;
      }
    }
  }

  /**
   * After {@code $}: a dollar quote {@code $tag$...$tag$}, or just a {@code $} (e.g. {@code $1}).
   */
  private void dollar(ByteArrayOutputStream statement) throws IOException {
    byte[] bytes = statement.toByteArray();
    if (bytes.length >= 2 && isIdentifierByte(bytes[bytes.length - 2])) {
      return; // part of an identifier such as a$b
    }
    StringBuilder tag = new StringBuilder("$");
    while (true) {
      int c = peek();
      if (c == '$') {
        read();
        tag.append('$');
        break;
      }
      boolean first = tag.length() == 1;
      boolean ok = first ? isTagStart(c) : isTagPart(c);
      if (!ok) {
        appendAll(statement, tag.substring(1));
        return; // not a dollar quote
      }
      tag.append((char) read());
      if (tag.length() > 64) {
        appendAll(statement, tag.substring(1));
        return;
      }
    }
    appendAll(statement, tag.substring(1));
    String delimiter = tag.toString();
    int matched = 0;
    while (true) {
      int c = read();
      if (c < 0) {
        throw unterminated("dollar-quoted string " + delimiter);
      }
      append(statement, c);
      if (c == '\n') {
        line++;
      }
      if (c == delimiter.charAt(matched)) {
        matched++;
        if (matched == delimiter.length()) {
          return;
        }
      } else {
        matched = c == delimiter.charAt(0) ? 1 : 0;
      }
    }
  }

  private MetaCommand metaCommand() throws IOException {
    long at = line;
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    text.write('\\');
    while (true) {
      int c = read();
      if (c < 0 || c == '\n') {
        if (c == '\n') {
          line++;
        }
        break;
      }
      if (text.size() < 4096) {
        text.write(c);
      }
    }
    return new MetaCommand(text.toString(StandardCharsets.UTF_8).stripTrailing(), at);
  }

  private String lineComment() throws IOException {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    while (true) {
      int c = read();
      if (c < 0 || c == '\n') {
        if (c == '\n') {
          line++;
        }
        break;
      }
      if (text.size() < 4096) {
        text.write(c);
      }
    }
    return text.toString(StandardCharsets.UTF_8);
  }

  private void skipToLineEnd() throws IOException {
    while (true) {
      int c = read();
      if (c < 0) {
        return;
      }
      if (c == '\n') {
        line++;
        return;
      }
    }
  }

  private static String stripComments(String sql) {
    return sql.replaceAll("(?m)--[^\n]*", " ");
  }

  private void append(ByteArrayOutputStream statement, int c) {
    if (statement.size() >= MAX_STATEMENT_BYTES) {
      throw DumpRejected.of(
          ProblemCode.SIZE_LIMIT,
          "a statement of the dump is longer than "
              + MAX_STATEMENT_BYTES
              + " bytes (line "
              + line
              + ")");
    }
    statement.write(c);
  }

  private void appendAll(ByteArrayOutputStream statement, String text) {
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      append(statement, b & 0xFF);
    }
  }

  private DumpRejected unterminated(String what) {
    return DumpRejected.of(
        ProblemCode.CORRUPT, "the dump ends inside a " + what + " (line " + line + ")");
  }

  private static boolean isIdentifierByte(byte b) {
    return (b >= 'a' && b <= 'z')
        || (b >= 'A' && b <= 'Z')
        || (b >= '0' && b <= '9')
        || b == '_'
        || b == '$'
        || (b & 0x80) != 0;
  }

  private static boolean isTagStart(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
  }

  private static boolean isTagPart(int c) {
    return isTagStart(c) || (c >= '0' && c <= '9');
  }

  private int read() throws IOException {
    if (pos >= limit && !fill()) {
      return -1;
    }
    return buffer[pos++] & 0xFF;
  }

  private int peek() throws IOException {
    if (pos >= limit && !fill()) {
      return -1;
    }
    return buffer[pos] & 0xFF;
  }

  private boolean fill() throws IOException {
    int n = in.read(buffer, 0, buffer.length);
    if (n <= 0) {
      return false;
    }
    pos = 0;
    limit = n;
    return true;
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  /**
   * The bytes of one COPY data block: every line up to one that is exactly {@code \.}. Rows end
   * with a newline in COPY text format (newlines inside values are written {@code \n}).
   */
  private final class CopyDataStream extends BulkInputStream implements RowCounting {
    private boolean atLineStart = true;
    private boolean done;
    private long rows;

    @Override
    public int read(byte[] out, int off, int len) throws IOException {
      if (len == 0) {
        return done ? -1 : 0;
      }
      int start = advance(len);
      if (start < 0) {
        return -1;
      }
      int n = pos - start;
      System.arraycopy(buffer, start, out, off, n);
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = 0;
      while (skipped < n) {
        int start = advance((int) Math.min(Integer.MAX_VALUE, n - skipped));
        if (start < 0) {
          break;
        }
        skipped += pos - start;
      }
      return skipped;
    }

    @Override
    public long rowsRead() {
      return rows;
    }

    /**
     * Moves past up to {@code len} bytes of data, stopping before the next line that starts with a
     * backslash (it may be the terminator); returns where they start in the buffer ({@code pos} is
     * then where they end), or -1 at the end of the data.
     */
    private int advance(int len) throws IOException {
      if (done) {
        return -1;
      }
      if (pos >= limit && !fill()) {
        throw DumpRejected.of(
            ProblemCode.CORRUPT,
            "the dump ends inside COPY data, before its \\. line (line " + line + ")");
      }
      if (atLineStart && buffer[pos] == '\\') {
        if (isTerminator()) {
          done = true;
          return -1;
        }
      }
      int start = pos;
      int end = (int) Math.min(limit, (long) pos + len);
      long scan = Newlines.scanCopyData(buffer, start, end);
      int stop = (int) (scan >>> 32);
      line += (int) scan;
      rows += (int) scan;
      pos = stop;
      atLineStart = buffer[stop - 1] == '\n';
      return start;
    }

    /** At a line start on a backslash: is this the {@code \.} line? Consumes it if so. */
    private boolean isTerminator() throws IOException {
      if (limit - pos < 4) {
        compact();
      }
      if (limit - pos >= 2 && buffer[pos + 1] == '.') {
        int after = pos + 2;
        if (after >= limit) {
          pos = after;
          return true; // "\." at the very end of the input
        }
        if (buffer[after] == '\n') {
          pos = after + 1;
          line++;
          return true;
        }
        if (buffer[after] == '\r' && after + 1 < limit && buffer[after + 1] == '\n') {
          pos = after + 2;
          line++;
          return true;
        }
      }
      return false;
    }

    /** Moves the unread bytes to the front and reads more after them. */
    private void compact() throws IOException {
      int remaining = limit - pos;
      System.arraycopy(buffer, pos, buffer, 0, remaining);
      pos = 0;
      limit = remaining;
      while (limit < 4) {
        int n = in.read(buffer, limit, buffer.length - limit);
        if (n <= 0) {
          return;
        }
        limit += n;
      }
    }
  }
}
