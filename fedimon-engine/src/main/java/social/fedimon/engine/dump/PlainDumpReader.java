package social.fedimon.engine.dump;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import social.fedimon.engine.archive.Drain;

/** Reads a plain SQL dump: statements and COPY data through the guard, to a handler. */
public final class PlainDumpReader {

  private static final Pattern COPY_TABLE =
      Pattern.compile(
          "(?is)^\\s*COPY\\s+((?:\"(?:[^\"]++|\"\")*+\"|[^\\s(\"]++)++(?:\\.(?:\"(?:[^\"]++|\"\")*+\"|[^\\s(\"]++))?)");
  private static final Pattern STANDARD_STRINGS =
      Pattern.compile("(?is)^SET\\s+standard_conforming_strings\\s*=\\s*'?(on|off)'?;?$");

  private final SqlGuard guard;

  public PlainDumpReader(SqlGuard guard) {
    this.guard = guard;
  }

  public void read(InputStream in, DumpHandler handler) throws IOException {
    SqlLexer lexer = new SqlLexer(in);
    Items items = new Items(lexer);
    Section section = new Section(handler);
    ClusterGlobals cluster = null;
    String pendingCopy = null;
    for (SqlLexer.Item item = items.next(); item != null; item = items.next()) {
      section.announced(lexer.takeDataAnnounced());
      if (cluster == null && lexer.clusterDump()) {
        // pg_dumpall: its globals first, then each database after its \connect
        cluster = new ClusterGlobals();
        section = new Section(null);
      }
      if (item instanceof SqlLexer.MetaCommand meta) {
        java.util.Optional<String> database =
            cluster == null ? java.util.Optional.empty() : SqlGuard.connectTarget(meta.text());
        if (database.isPresent()) {
          section.finish();
          cluster.databases.add(database.get());
          section = new Section(handler.database(database.get()).orElse(null));
          continue;
        }
        GuardDecision decision = guard.metaCommand(meta.text(), meta.line());
        // a shell escape anywhere refuses the whole file, whichever database it is in
        decide(decision, section.or(handler), meta.line(), section.phase);
      } else if (item instanceof SqlLexer.Statement statement) {
        String normalized = SqlGuard.normalize(statement.sql());
        Matcher strings = STANDARD_STRINGS.matcher(normalized);
        if (strings.matches()) {
          lexer.standardConformingStrings(strings.group(1).equalsIgnoreCase("on"));
        }
        if (cluster != null && cluster.leavesOut(normalized, section.handler == null)) {
          continue;
        }
        if (section.handler == null) {
          continue; // another database of a cluster dump: read past it
        }
        section.describe(lexer);
        section.phase = Phases.of(statement.tocComment(), normalized, section.phase);
        GuardDecision decision = guard.statement(statement.sql(), statement.line());
        boolean copy =
            normalized.regionMatches(true, 0, "COPY", 0, 4)
                && decision instanceof GuardDecision.Run;
        Section current = section;
        if (decision instanceof GuardDecision.Run) {
          InsertRows.tableColumns(normalized)
              .ifPresent(list -> current.tableColumns.put(createdTable(normalized), list));
        }
        java.util.Optional<InsertRows> rows =
            decision instanceof GuardDecision.Run && !copy
                ? InsertRows.parse(statement.sql(), lexer.standardConformingStrings())
                    .map(current::withTableColumns)
                : java.util.Optional.empty();
        if (copy) {
          pendingCopy = statement.sql();
        } else if (rows.isPresent()) {
          // pg_dump --inserts: its rows go in as COPY data, counted and checked as a COPY's
          section.phase = DumpHandler.Phase.DATA;
          InsertRun run = new InsertRun(rows.get(), items, lexer, section);
          section.fed(rows.get().table());
          section.handler.tableData(rows.get().table(), rows.get().copyStatement(), run);
          Drain.all(run);
        } else {
          decide(decision, section.handler, statement.line(), section.phase);
        }
      } else if (item instanceof SqlLexer.CopyData data) {
        if (pendingCopy != null && section.handler != null) {
          section.fed(tableOf(pendingCopy));
          section.handler.tableData(
              tableOf(pendingCopy), SqlGuard.normalize(pendingCopy), data.data());
        }
        pendingCopy = null;
        Drain.all(data.data());
      }
    }
    section.announced(lexer.takeDataAnnounced());
    section.finish();
    if (cluster != null) {
      handler.cluster(cluster.contents());
    } else {
      section.describe(lexer);
    }
  }

  /** The lexer's items, with one that was read too far given back. */
  private static final class Items {
    private final SqlLexer lexer;
    private SqlLexer.@org.jspecify.annotations.Nullable Item back;

    Items(SqlLexer lexer) {
      this.lexer = lexer;
    }

    SqlLexer.@org.jspecify.annotations.Nullable Item next() throws IOException {
      if (back != null) {
        SqlLexer.Item item = back;
        back = null;
        return item;
      }
      return lexer.next();
    }

    void giveBack(SqlLexer.Item item) {
      back = item;
    }
  }

  /**
   * The rows of consecutive INSERT statements into one table, as COPY text: the statements after
   * the first are read as the data is, until one is not an INSERT into the same table and columns
   * (that one is given back to the reader). Each goes through the guard as any statement does.
   */
  private final class InsertRun extends social.fedimon.engine.archive.BulkInputStream {
    private final InsertRows first;
    private final Items items;
    private final SqlLexer lexer;
    private byte[] buffer = new byte[0];
    private int position;
    private boolean ended;

    private final Section section;

    InsertRun(InsertRows first, Items items, SqlLexer lexer, Section section) {
      this.first = first;
      this.items = items;
      this.lexer = lexer;
      this.section = section;
      take(first);
    }

    private void take(InsertRows rows) {
      StringBuilder text = new StringBuilder();
      for (String line : rows.lines()) {
        text.append(line).append('\n');
      }
      buffer = text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      position = 0;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      while (position == buffer.length) {
        if (ended || !refill()) {
          ended = true;
          return -1;
        }
      }
      int n = Math.min(len, buffer.length - position);
      System.arraycopy(buffer, position, b, off, n);
      position += n;
      return n;
    }

    private boolean refill() throws IOException {
      SqlLexer.Item item = items.next();
      if (item == null) {
        return false;
      }
      if (item instanceof SqlLexer.Statement statement) {
        java.util.Optional<InsertRows> rows =
            InsertRows.parse(statement.sql(), lexer.standardConformingStrings())
                .map(section::withTableColumns);
        if (rows.isPresent()
            && rows.get().sameTarget(first)
            && guard.statement(statement.sql(), statement.line()) instanceof GuardDecision.Run) {
          take(rows.get());
          return true;
        }
      }
      items.giveBack(item);
      return false;
    }
  }

  /** The statements of one database: to its handler, or to none (read past). */
  private static final class Section {
    final @org.jspecify.annotations.Nullable DumpHandler handler;
    DumpHandler.Phase phase = DumpHandler.Phase.PRE_DATA;
    private boolean described;

    Section(@org.jspecify.annotations.Nullable DumpHandler handler) {
      this.handler = handler;
    }

    // column lists of the tables created, for INSERTs without one
    final java.util.Map<String, String> tableColumns = new java.util.HashMap<>();
    // tables whose data pg_dump announced, and those that got some (COPY or INSERT)
    private final java.util.Map<String, String> announced = new java.util.LinkedHashMap<>();
    private final java.util.Set<String> fed = new java.util.HashSet<>();

    DumpHandler or(DumpHandler fallback) {
      return handler == null ? fallback : handler;
    }

    /** The rows with their table's column list, when the INSERT had none. */
    InsertRows withTableColumns(InsertRows rows) {
      return rows.withColumns(tableColumns.get(DumpSummary.tableName(rows.table())));
    }

    void announced(List<String> tables) {
      for (String table : tables) {
        announced.putIfAbsent(DumpSummary.tableName(table), table);
      }
    }

    void fed(String table) {
      fed.add(DumpSummary.tableName(table));
    }

    /**
     * An announced table that got no data is empty: an INSERT dump writes no statement for it, a
     * COPY dump an empty COPY. It is handed on as an empty COPY, so both report it alike.
     */
    void finish() throws IOException {
      if (handler == null) {
        return;
      }
      for (java.util.Map.Entry<String, String> table : announced.entrySet()) {
        if (!fed.contains(table.getKey())) {
          handler.tableData(
              table.getValue(),
              "COPY " + table.getValue() + " FROM stdin;",
              java.io.InputStream.nullInputStream());
        }
      }
      announced.clear();
    }

    // pg_dump 17.6 writes \restrict before its version comments: describe at the first statement
    void describe(SqlLexer lexer) {
      if (!described && handler != null) {
        handler.describe(
            new DumpDescription(
                DumpFormat.PLAIN, lexer.dumpedBy(), lexer.dumpedFrom(), null, null));
        described = true;
      }
    }
  }

  static void decide(
      GuardDecision decision, DumpHandler handler, long line, DumpHandler.Phase phase)
      throws IOException {
    if (decision instanceof GuardDecision.Run run) {
      handler.statement(run.sql(), line, phase);
    } else if (decision instanceof GuardDecision.Skip skip) {
      if (skip.warning() != null) {
        handler.problem(skip.warning());
      }
    } else if (decision instanceof GuardDecision.Reject reject) {
      handler.problem(reject.problem());
    }
  }

  /** The table a {@code CREATE TABLE} statement names, as {@link DumpSummary#tableName}. */
  private static String createdTable(String createTable) {
    Matcher matcher = CREATED_TABLE.matcher(createTable);
    return matcher.find() ? DumpSummary.tableName(matcher.group(1)) : "?";
  }

  private static final Pattern CREATED_TABLE =
      Pattern.compile(
          "(?is)^CREATE\\s+TABLE\\s+((?:\"(?:[^\"]++|\"\")*+\"|[^\\s(\"]++)++(?:\\.(?:\"(?:[^\"]++|\"\")*+\"|[^\\s(\"]++))?)");

  /** {@code public.accounts} from {@code COPY public.accounts (id, ...) FROM stdin;}. */
  static String tableOf(String copyStatement) {
    Matcher matcher = COPY_TABLE.matcher(SqlGuard.normalize(copyStatement));
    return matcher.find() ? matcher.group(1) : "?";
  }
}
