package social.fedimon.engine.dump;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import social.fedimon.engine.Problem;

/**
 * Reads a dump without restoring it: what it says of itself, the exact number of rows of every
 * table (lines of COPY data), the content of {@code schema_migrations}, and the guard's problems.
 */
public final class DumpSummary implements DumpHandler {

  /** schema_migrations holds one row per migration: a few hundred. */
  static final int MAX_MIGRATIONS = 100_000;

  private @Nullable DumpDescription description;
  private final Map<String, Long> rowCounts = new TreeMap<>();
  private final SortedSet<String> migrations = new TreeSet<>();
  private final List<Problem> problems = new ArrayList<>();
  private final Map<String, List<String>> columns = new TreeMap<>();
  private final SortedSet<String> tables = new TreeSet<>();
  // a cluster dump's databases, each read into a summary of its own
  private final Map<String, DumpSummary> databases = new java.util.LinkedHashMap<>();
  private @Nullable String chosenDatabase;
  private @Nullable ClusterContents cluster;
  private final RowReader rowReader;
  private final boolean countRows;
  private boolean counted;
  private final List<String> postData = new ArrayList<>();
  private static final java.util.regex.Pattern COPY_COLUMNS =
      java.util.regex.Pattern.compile("(?is)^COPY\\s+\\S+\\s*\\((.*)\\)\\s+FROM\\s+stdin;?$");
  private long statements;

  /** A summary that counts every table's rows. */
  public DumpSummary() {
    this(true);
  }

  /**
   * @param countRows false to read only what decides whether the dump is acceptable (statements,
   *     COPY column lists, schema_migrations): a restore counts rows and media as it loads them,
   *     then {@link #fill}s them in
   */
  public DumpSummary(boolean countRows) {
    this(countRows, RowReader.NONE);
  }

  /**
   * @param rowReader reads the values it picks from the rows this summary counts
   */
  public DumpSummary(boolean countRows, RowReader rowReader) {
    this.countRows = countRows;
    this.counted = countRows;
    this.rowReader = rowReader;
  }

  /** Whether {@link #rowCounts} holds every table: counted here, or filled in by a restore. */
  public boolean counted() {
    return counted;
  }

  @Override
  public boolean wantsData(String table) {
    return countRows || tableName(table).equals("schema_migrations");
  }

  /** Rows counted while restoring, in place of what this summary did not count. */
  public void fill(Map<String, Long> rows) {
    rowCounts.clear();
    rowCounts.putAll(rows);
    this.counted = true;
  }

  @Override
  public void describe(DumpDescription description) {
    this.description = description;
  }

  @Override
  public void statement(String sql, long line, Phase phase) {
    statements++;
    if (!countRows && phase == Phase.POST_DATA) {
      postData.add(sql);
    }
  }

  /**
   * For a restore's first pass: the post-data statements the guard let through, in dump order, so
   * that the second pass can build a table's indexes as soon as its data is in.
   */
  public List<String> postDataStatements() {
    return postData;
  }

  @Override
  public void tableData(String table, String copyStatement, InputStream rows) throws IOException {
    String name = tableName(table);
    tables.add(name);
    List<String> names = copyColumns(copyStatement);
    if (!names.isEmpty()) {
      columns.put(name, names);
    }
    boolean migrationsTable = name.equals("schema_migrations");
    if (!wantsData(table)) {
      return;
    }
    long count;
    java.util.Optional<RowReader.Rows> picked =
        migrationsTable
            ? java.util.Optional.empty()
            : rowReader.forTable(name, columns.getOrDefault(name, List.of()));
    if (migrationsTable) {
      count = readMigrations(rows);
    } else if (picked.isPresent()) {
      count = readPicked(picked.get(), rows);
    } else {
      count = countLines(rows);
    }
    rowCounts.merge(name, count, Long::sum);
  }

  /** Counts the rows of a data file of a directory or tar archive. */
  public void tableFile(String table, InputStream rows) throws IOException {
    tableData(table, "", rows);
  }

  @Override
  public void problem(Problem problem) {
    problems.add(problem);
  }

  @Override
  public java.util.Optional<DumpHandler> database(String database) {
    return java.util.Optional.of(
        databases.computeIfAbsent(
            database, d -> new DumpSummary(countRows, rowReader.forDatabase(d))));
  }

  /** A cluster dump keeps each database's summary; the caller picks one with {@link #adopt}. */
  @Override
  public void cluster(ClusterContents contents) {
    this.cluster = contents;
  }

  /** What a cluster dump (pg_dumpall) held; empty for a dump of one database. */
  public java.util.Optional<ClusterContents> cluster() {
    return java.util.Optional.ofNullable(cluster);
  }

  /** A cluster dump's databases, each read into a summary of its own, in dump order. */
  public Map<String, DumpSummary> databases() {
    return java.util.Collections.unmodifiableMap(databases);
  }

  /** The tables whose data the dump holds (pg_dump writes data for every table, even empty). */
  public SortedSet<String> tables() {
    return java.util.Collections.unmodifiableSortedSet(tables);
  }

  /** Takes over the summary of {@code database}, one of a cluster dump's, as this one. */
  public void adopt(String database) {
    DumpSummary chosen = databases.get(database);
    if (chosen == null) {
      throw new IllegalArgumentException("the dump holds no database " + database);
    }
    chosenDatabase = database;
    description = chosen.description;
    rowCounts.putAll(chosen.rowCounts);
    migrations.addAll(chosen.migrations);
    problems.addAll(chosen.problems);
    columns.putAll(chosen.columns);
    tables.addAll(chosen.tables);
    postData.addAll(chosen.postData);
    statements += chosen.statements;
  }

  /** In a cluster dump (pg_dumpall), the database chosen for restoring. */
  public java.util.Optional<String> chosenDatabase() {
    return java.util.Optional.ofNullable(chosenDatabase);
  }

  public @Nullable DumpDescription description() {
    return description;
  }

  /** Rows per table; tables of schema public by their bare name. */
  public Map<String, Long> rowCounts() {
    return rowCounts;
  }

  /** Whether the dump's data for {@code table} has {@code column} (from its COPY statement). */
  public boolean hasColumn(String table, String column) {
    return columns.getOrDefault(table, List.of()).contains(column);
  }

  /** The versions in schema_migrations, sorted. */
  public SortedSet<String> migrations() {
    return migrations;
  }

  public List<Problem> problems() {
    return problems;
  }

  public long statements() {
    return statements;
  }

  /** The column list of {@code COPY table (a, b) FROM stdin;}, unquoted; empty without one. */
  static List<String> copyColumns(String copyStatement) {
    java.util.regex.Matcher list = COPY_COLUMNS.matcher(copyStatement.strip());
    if (!list.matches()) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (String column : list.group(1).split(",")) {
      names.add(column.strip().replace("\"", ""));
    }
    return List.copyOf(names);
  }

  /** {@code public.accounts} is {@code accounts}; other schemas keep their name. */
  static String tableName(String qualified) {
    String name = qualified.strip();
    if (name.startsWith("public.")) {
      name = name.substring("public.".length());
    }
    return name.replace("\"", "");
  }

  static long countLines(InputStream rows) throws IOException {
    if (rows instanceof RowCounting counting) {
      // the lexer counts lines as it looks for the end of the data: skip, and ask it
      while (rows.skip(Long.MAX_VALUE) > 0) {
        // skipping
      }
      return counting.rowsRead();
    }
    byte[] buffer = new byte[256 * 1024];
    long lines = 0;
    int n;
    while ((n = rows.read(buffer)) > 0) {
      lines += Newlines.count(buffer, 0, n);
    }
    return lines;
  }

  private long readPicked(RowReader.Rows picked, InputStream rows) throws IOException {
    int[] selected = picked.selected();
    java.io.BufferedReader reader =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(rows, StandardCharsets.UTF_8), 1 << 16);
    long count = 0;
    String line;
    while ((line = reader.readLine()) != null) {
      count++;
      picked.row(CopyText.select(line, selected));
    }
    return count;
  }

  private long readMigrations(InputStream rows) throws IOException {
    long count = 0;
    StringBuilder line = new StringBuilder();
    byte[] buffer = new byte[8192];
    int n;
    while ((n = rows.read(buffer)) > 0) {
      for (int i = 0; i < n; i++) {
        if (buffer[i] == '\n') {
          count++;
          addMigration(line.toString());
          line.setLength(0);
        } else if (line.length() < 256) {
          line.append((char) (buffer[i] & 0xFF));
        }
      }
    }
    return count;
  }

  private void addMigration(String row) {
    String version = row.split("\t", 2)[0];
    if (version.matches("\\d{1,20}") && migrations.size() < MAX_MIGRATIONS) {
      migrations.add(version);
    }
  }

  /** For messages. */
  @Override
  public String toString() {
    return "DumpSummary[" + rowCounts.size() + " tables, " + migrations.size() + " migrations]";
  }

  static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
