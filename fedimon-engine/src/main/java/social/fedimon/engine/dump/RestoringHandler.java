package social.fedimon.engine.dump;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;
import social.fedimon.engine.Problem;
import social.fedimon.engine.ProblemCode;

/**
 * Restores what a dump reader hands it, in pg_restore's order: pre-data statements at once on one
 * connection, table data over several (see {@link CopyLoader}), post-data afterwards (see {@link
 * PostDataRunner}). Session settings the dump makes are replayed on every connection.
 */
public final class RestoringHandler implements DumpHandler, AutoCloseable {

  private static final Pattern SESSION_SETTING =
      Pattern.compile(
          "(?is)^(SET\\s+(?!ROLE|SESSION\\s+AUTHORIZATION).*|SELECT\\s+pg_catalog\\.set_config\\(.*)");
  private static final Pattern LO_OPEN =
      Pattern.compile("(?is)^SELECT\\s+pg_catalog\\.lo_open\\(.*");
  private static final Pattern LO_CLOSE =
      Pattern.compile("(?is)^SELECT\\s+pg_catalog\\.lo_close\\(.*");

  private final RestoreTarget target;
  private final Connection main;
  private final int jobs;
  private final RestoreListener listener;
  private final List<String> session = new ArrayList<>();
  private final List<String> postData = new ArrayList<>();
  private final Map<String, Long> rowsLoaded = new LinkedHashMap<>();
  private final List<Problem> warnings = new ArrayList<>();
  private final PickedRows pickedRows;
  private CopyLoader loader;
  private String phase = "pre-data";

  private final @Nullable List<String> plannedPostData;
  private @Nullable PostDataRunner postDataRunner;
  private @Nullable String clusterDatabase;

  /**
   * @param plannedPostData the post-data statements the first pass saw: with them, a table's
   *     indexes start as soon as its data is in; the second pass must then meet exactly these
   * @param rowReader reads the values it picks from the restored rows, on a thread of its own
   */
  public RestoringHandler(
      RestoreTarget target,
      Connection main,
      int jobs,
      RestoreListener listener,
      @Nullable List<String> plannedPostData,
      RowReader rowReader) {
    this.target = target;
    this.main = main;
    this.jobs = jobs;
    this.listener = listener;
    this.plannedPostData = plannedPostData == null ? null : List.copyOf(plannedPostData);
    this.pickedRows = new PickedRows(rowReader);
  }

  /**
   * For a cluster dump (pg_dumpall): the one database whose statements and data are restored (the
   * first pass chose it); the others are read past.
   */
  public RestoringHandler restoringOnly(@Nullable String database) {
    this.clusterDatabase = database;
    return this;
  }

  @Override
  public java.util.Optional<DumpHandler> database(String database) {
    return database.equals(clusterDatabase)
        ? java.util.Optional.of(this)
        : java.util.Optional.empty();
  }

  @Override
  public void describe(DumpDescription description) {}

  @Override
  public void statement(String sql, long line, Phase statementPhase) {
    if (statementPhase == Phase.POST_DATA) {
      postData.add(sql);
      return;
    }
    if (statementPhase == Phase.DATA && phase.equals("pre-data")) {
      phase = "data";
    }
    String text = SqlGuard.normalize(sql);
    try {
      if (LO_OPEN.matcher(text).matches()) {
        main.setAutoCommit(false); // pg_dump writes a large object between BEGIN and COMMIT
      }
      try (Statement statement = main.createStatement()) {
        statement.execute(sql);
      }
      if (LO_CLOSE.matcher(text).matches()) {
        main.commit();
        main.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new RestoreFailed(
          phase + (line > 0 ? " (line " + line + ")" : ""), sql, e.getMessage(), e);
    }
    if (SESSION_SETTING.matcher(text).matches()) {
      session.add(sql);
    }
  }

  /** As many tables at once as connections: each then loads over a connection of its own. */
  @Override
  public int tablesAtOnce() {
    return jobs;
  }

  @Override
  public void tablesSideBySide(int readers) {
    startLoading(true);
  }

  private synchronized CopyLoader startLoading(boolean sideBySide) {
    phase = "data";
    if (loader == null) {
      listener.phase("data");
      if (plannedPostData != null) {
        postDataRunner =
            new PostDataRunner(target, jobs, List.copyOf(session), listener, plannedPostData);
      }
      loader = new CopyLoader(target, jobs, List.copyOf(session), postDataRunner, sideBySide);
    }
    return loader;
  }

  /** May be called from several threads at once, after {@link #tablesSideBySide}. */
  @Override
  public void tableData(String table, String copyStatement, InputStream rows) throws IOException {
    CopyLoader copies = startLoading(false);
    String name = DumpSummary.tableName(table);
    CopyLoader.ChunkListener picked;
    synchronized (this) {
      picked = pickedRows.forTable(name, DumpSummary.copyColumns(copyStatement));
    }
    long rowCount = copies.load(copyStatement, table, rows, picked);
    synchronized (this) {
      rowsLoaded.merge(table, rowCount, Long::sum);
      listener.tableDone(table, rowCount);
    }
  }

  @Override
  public void largeObject(long oid, InputStream data) throws IOException {
    try {
      main.setAutoCommit(false);
      try (PreparedStatement create = main.prepareStatement("SELECT pg_catalog.lo_create(?)")) {
        create.setLong(1, oid);
        create.executeQuery().close();
      }
      LargeObjectManager objects = main.unwrap(PGConnection.class).getLargeObjectAPI();
      LargeObject object = objects.open(oid, LargeObjectManager.WRITE);
      try (OutputStream out = object.getOutputStream()) {
        data.transferTo(out);
      }
      main.commit();
      main.setAutoCommit(true);
    } catch (SQLException e) {
      throw new RestoreFailed("data (large object " + oid + ")", null, e.getMessage(), e);
    }
  }

  @Override
  public void problem(Problem problem) {
    if (problem.code().rejects()) {
      // inspection refused the dump before anything ran; meeting this now is a bug or a changed
      // file
      throw new RestoreFailed(
          "the dump changed between inspection and restore: " + problem.message());
    }
    synchronized (this) {
      warnings.add(problem);
    }
  }

  /** Waits for the table data, then builds indexes and constraints. */
  public void finish() {
    if (loader != null) {
      loader.finish();
    }
    listener.phase("post-data");
    PostDataRunner runner = postDataRunner;
    if (runner == null) {
      runner = new PostDataRunner(target, jobs, List.copyOf(session), listener, postData);
      rowsLoaded.forEach(runner::tableLoaded);
    } else if (!runner.statements().equals(postData)) {
      throw new RestoreFailed(
          "the dump changed between inspection and restore: its indexes and constraints differ");
    }
    runner.runRemaining(main);
    makeDurable();
  }

  /**
   * Every restore connection commits without waiting for the disk ({@code synchronous_commit=off},
   * see {@link RestoreTarget#connect}); a crash of the server loses the restore, which then starts
   * again. One last transaction that writes and commits synchronously flushes the write-ahead log
   * up to itself, so everything before it is durable when we report success.
   */
  private void makeDurable() {
    try (Statement statement = main.createStatement()) {
      statement.execute("SET synchronous_commit = on");
      statement.execute("SELECT pg_catalog.txid_current()");
    } catch (SQLException e) {
      throw new RestoreFailed("post-data", null, e.getMessage(), e);
    }
  }

  /** The rows of every table loaded, as the server counted them inserting them. */
  public Map<String, Long> countRows() {
    // the server's own count of what each committed COPY inserted ("COPY n"): no table is
    // scanned again after the restore (count(*) took 0.5-0.8 s at the end of the benchmark's)
    Map<String, Long> stored = loader == null ? Map.of() : loader.storedRows();
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String table : rowsLoaded.keySet()) {
      counts.merge(DumpSummary.tableName(table), stored.getOrDefault(table, 0L), Long::sum);
    }
    return counts;
  }

  /** Rows sent per table (bare names for schema public, as in reports). */
  public Map<String, Long> rowsSent() {
    Map<String, Long> rows = new java.util.TreeMap<>();
    rowsLoaded.forEach(
        (table, count) -> rows.merge(DumpSummary.tableName(table), count, Long::sum));
    return rows;
  }

  /** Waits until the row reader has read every restored row; call once, after {@link #finish}. */
  public void awaitRows() {
    pickedRows.finish();
  }

  public List<Problem> warnings() {
    return warnings;
  }

  @Override
  public void close() {
    pickedRows.close();
    if (loader != null) {
      loader.close();
    }
  }

  static Problem restoreProblem(String message) {
    return Problem.of(ProblemCode.CORRUPT, message);
  }
}
