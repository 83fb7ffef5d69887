package social.fedimon.engine.dump;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Runs post-data statements as pg_restore -j would, and a little better:
 *
 * <ol>
 *   <li>indexes and primary key, unique, check and exclusion constraints, in parallel, biggest
 *       table first; a constraint (which locks its table exclusively) never runs beside another
 *       statement on the same table, so no connection sits waiting for a lock. A table's share can
 *       start as soon as its data is in, while other tables still load ({@link #tableLoaded});
 *   <li>foreign keys: each is added {@code NOT VALID} (instant), then checked with {@code VALIDATE
 *       CONSTRAINT}, in parallel, one at a time per referencing table. The result is the same valid
 *       constraint; {@code VALIDATE} takes weaker locks than {@code ADD}, which is what lets two
 *       foreign keys to the same table be checked at once. A foreign key the dump itself marks
 *       {@code NOT VALID}, or one on a partitioned table (no {@code ONLY}), runs as written;
 *   <li>the rest (triggers, rules, comments, attachments) in dump order.
 * </ol>
 */
final class PostDataRunner {

  private static final Pattern INDEX =
      Pattern.compile(
          "(?is)^CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+(?:CONCURRENTLY\\s+)?(?:IF\\s+NOT\\s+EXISTS\\s+)?\\S+\\s+ON\\s+(?:ONLY\\s+)?(\\S+?)\\s+(?:USING\\b|\\().*");
  private static final Pattern CONSTRAINT =
      Pattern.compile(
          "(?is)^ALTER\\s+TABLE\\s+(?:ONLY\\s+)?(\\S+)\\s+ADD\\s+CONSTRAINT\\s+\\S+\\s+(?:PRIMARY\\s+KEY|UNIQUE|CHECK|EXCLUDE)\\b.*");
  private static final Pattern FOREIGN_KEY =
      Pattern.compile(
          "(?is)^ALTER\\s+TABLE\\s+(ONLY\\s+)?(\\S+)\\s+ADD\\s+CONSTRAINT\\s+(\\S+)\\s+FOREIGN\\s+KEY\\b.*");
  private static final Pattern ENDS_NOT_VALID =
      Pattern.compile("(?is).*\\bNOT\\s+VALID\\s*;?\\s*$");
  private static final Pattern TRAILING_SEMICOLON = Pattern.compile("\\s*;\\s*$");

  /** One statement of a parallel phase, and the table it locks. */
  record Task(String sql, String table, boolean exclusive, int order) {}

  private final RestoreTarget target;
  private final int jobs;
  private final List<String> session;
  private final RestoreListener listener;
  private final List<String> statements;
  private final Map<String, List<Task>> indexesByTable = new LinkedHashMap<>();
  private final List<String> addForeignKeys = new ArrayList<>();
  private final List<Task> validations = new ArrayList<>();
  private final List<String> rest = new ArrayList<>();
  private final Scheduler indexes = new Scheduler();
  private final AtomicInteger done = new AtomicInteger();
  private final int total;

  /**
   * @param statements the dump's post-data statements, in dump order
   */
  PostDataRunner(
      RestoreTarget target,
      int jobs,
      List<String> session,
      RestoreListener listener,
      List<String> statements) {
    this.target = target;
    this.jobs = jobs;
    this.session = session;
    this.listener = listener;
    this.statements = List.copyOf(statements);
    int order = 0;
    for (String sql : statements) {
      String text = SqlGuard.normalize(sql);
      Matcher m;
      if ((m = CONSTRAINT.matcher(text)).matches()) {
        indexesByTable
            .computeIfAbsent(m.group(1), t -> new ArrayList<>())
            .add(new Task(sql, m.group(1), true, order++));
      } else if ((m = INDEX.matcher(text)).matches()) {
        indexesByTable
            .computeIfAbsent(m.group(1), t -> new ArrayList<>())
            .add(new Task(sql, m.group(1), false, order++));
      } else if ((m = FOREIGN_KEY.matcher(text)).matches()) {
        if (m.group(1) != null && !ENDS_NOT_VALID.matcher(text).matches()) {
          addForeignKeys.add(TRAILING_SEMICOLON.matcher(sql).replaceFirst("") + " NOT VALID");
          String validate = "ALTER TABLE " + m.group(2) + " VALIDATE CONSTRAINT " + m.group(3);
          validations.add(new Task(validate, m.group(2), true, order++));
        } else {
          addForeignKeys.add(sql);
        }
      } else {
        rest.add(sql);
      }
    }
    int count = addForeignKeys.size() + rest.size();
    for (List<Task> tasks : indexesByTable.values()) {
      count += tasks.size();
    }
    this.total = count;
  }

  /** The statements this runner was made with. */
  List<String> statements() {
    return statements;
  }

  /**
   * {@code table}'s data is in, {@code rows} rows of it: its indexes and constraints may start. The
   * biggest tables' go first.
   */
  void tableLoaded(String table, long rows) {
    List<Task> tasks;
    // called from the loader's threads as their COPYs commit: the map is not safe for them at once
    // (a lost entry was an index never made: RestoreTest's matview index, now and then in CI)
    synchronized (indexesByTable) {
      tasks = indexesByTable.remove(table);
    }
    if (tasks != null) {
      indexes.add(tasks, rows);
    }
  }

  /**
   * A task whose table is loaded and free, for a connection that would otherwise wait; or null.
   * Hand it back to {@link #runEarly}.
   */
  @Nullable Task tryEarlyTask() {
    return indexes.tryNext();
  }

  /** Runs a task from {@link #tryEarlyTask} on {@code connection}. */
  void runEarly(Task task, Connection connection) {
    try {
      execute(connection, task.sql());
      listener.statementDone(done.incrementAndGet(), total);
    } finally {
      indexes.release(task);
    }
  }

  /** Everything not done yet, now that all data is in. */
  void runRemaining(Connection main) {
    List<String> left;
    synchronized (indexesByTable) {
      left = List.copyOf(indexesByTable.keySet());
    }
    for (String table : left) {
      tableLoaded(table, 0);
    }
    runParallel(indexes, () -> listener.statementDone(done.incrementAndGet(), total));
    for (String sql : addForeignKeys) {
      execute(main, sql);
    }
    Scheduler checks = new Scheduler();
    checks.add(validations, 0);
    runParallel(checks, () -> {});
    done.addAndGet(addForeignKeys.size());
    listener.statementDone(done.get(), total);
    for (String sql : rest) {
      execute(main, sql);
      listener.statementDone(done.incrementAndGet(), total);
    }
    if (done.get() != total) {
      // every statement is counted once as it runs: a difference is one never run
      throw new RestoreFailed(
          "only " + done.get() + " of the dump's " + total + " post-data statements ran");
    }
  }

  /**
   * Runs what {@code scheduler} holds over up to {@code jobs} connections, until it is empty and
   * nothing of it runs.
   */
  private void runParallel(Scheduler scheduler, Runnable onDone) {
    int threads = Math.max(1, Math.min(jobs, scheduler.pending()));
    if (scheduler.pending() == 0) {
      scheduler.awaitIdle();
      return;
    }
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread worker =
          new Thread(() -> scheduler.work(this::open, onDone), "fedimon-post-data-" + i);
      worker.setDaemon(true);
      worker.start();
      workers.add(worker);
    }
    try {
      for (Thread worker : workers) {
        worker.join();
      }
    } catch (InterruptedException e) {
      workers.forEach(Thread::interrupt);
      Thread.currentThread().interrupt();
      throw new RestoreFailed("interrupted during post-data");
    }
    RestoreFailed failed = scheduler.failure;
    if (failed != null) {
      throw failed;
    }
  }

  /**
   * Tasks waiting to run, biggest table first, and the tables busy now. A worker takes the first
   * task whose table is free for it: an exclusive task needs nobody else on its table, a shared one
   * needs no exclusive task there.
   */
  static final class Scheduler {
    private record Pending(Task task, long cost) {}

    private final List<Pending> pending = new ArrayList<>();
    private final Map<String, Integer> running = new HashMap<>();
    private final Map<String, Boolean> exclusive = new HashMap<>();
    private @Nullable RestoreFailed failure;

    synchronized void add(List<Task> tasks, long cost) {
      for (Task task : tasks) {
        pending.add(new Pending(task, cost));
      }
      // biggest first; on one table, dump order (pg_dump writes constraints before indexes)
      pending.sort(
          (a, b) ->
              a.cost() != b.cost()
                  ? Long.compare(b.cost(), a.cost())
                  : Integer.compare(a.task().order(), b.task().order()));
      notifyAll();
    }

    synchronized int pending() {
      return pending.size();
    }

    /** The tasks in the order they would be taken, for tests. */
    synchronized List<Task> order() {
      return pending.stream().map(Pending::task).toList();
    }

    synchronized @Nullable Task tryNext() {
      if (failure != null) {
        return null;
      }
      for (var it = pending.iterator(); it.hasNext(); ) {
        Task task = it.next().task();
        int busy = running.getOrDefault(task.table(), 0);
        boolean free = task.exclusive() ? busy == 0 : busy == 0 || !exclusive.get(task.table());
        if (free) {
          it.remove();
          running.merge(task.table(), 1, Integer::sum);
          exclusive.put(task.table(), task.exclusive());
          return task;
        }
      }
      return null;
    }

    /** Blocks until a task can run; null when none is left (or one failed). */
    private synchronized @Nullable Task next() {
      while (true) {
        if (failure != null || (pending.isEmpty() && running.isEmpty())) {
          return null;
        }
        Task task = tryNext();
        if (task != null) {
          return task;
        }
        if (pending.isEmpty()) {
          // what still runs belongs to another worker; this one is done
          return null;
        }
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return null;
        }
      }
    }

    synchronized void awaitIdle() {
      while (!running.isEmpty()) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    synchronized void release(Task task) {
      running.merge(task.table(), -1, Integer::sum);
      if (running.get(task.table()) == 0) {
        running.remove(task.table());
        exclusive.remove(task.table());
      }
      notifyAll();
    }

    private synchronized void fail(RestoreFailed e) {
      if (failure == null) {
        failure = e;
      }
      notifyAll();
    }

    void work(ConnectionOpener opener, Runnable onDone) {
      Connection connection = null;
      try {
        while (true) {
          Task task = next();
          if (task == null) {
            return;
          }
          try {
            if (connection == null) {
              connection = opener.open();
            }
            execute(connection, task.sql());
            onDone.run();
          } catch (RestoreFailed e) {
            fail(e);
          } finally {
            release(task);
          }
        }
      } finally {
        if (connection != null) {
          try {
            connection.close();
          } catch (SQLException ignored) {
            // the work is done or failed already
          }
        }
      }
    }
  }

  @FunctionalInterface
  interface ConnectionOpener {
    Connection open();
  }

  private Connection open() {
    try {
      Connection connection = target.connect("post-data");
      try (Statement statement = connection.createStatement()) {
        for (String sql : session) {
          statement.execute(sql);
        }
      }
      return connection;
    } catch (SQLException e) {
      throw new RestoreFailed("post-data", null, e.getMessage(), e);
    }
  }

  static void execute(Connection connection, String sql) {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new RestoreFailed("post-data", sql, e.getMessage(), e);
    }
  }
}
