package social.fedimon.engine.dump;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
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
 *       statement on the same table, so no connection sits waiting for a lock;
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
  record Task(String sql, String table, boolean exclusive, long cost, int order) {}

  private final RestoreTarget target;
  private final int jobs;
  private final List<String> session;
  private final RestoreListener listener;
  private final Map<String, Long> tableSizes;

  /**
   * @param tableSizes rows loaded per table, as the dump names it ({@code public.statuses}): the
   *     order in which the parallel phases start their work
   */
  PostDataRunner(
      RestoreTarget target,
      int jobs,
      List<String> session,
      RestoreListener listener,
      Map<String, Long> tableSizes) {
    this.target = target;
    this.jobs = jobs;
    this.session = session;
    this.listener = listener;
    this.tableSizes = tableSizes;
  }

  void run(List<String> statements, Connection main) {
    List<Task> indexes = new ArrayList<>();
    List<String> addForeignKeys = new ArrayList<>();
    List<Task> validations = new ArrayList<>();
    List<String> rest = new ArrayList<>();
    for (String sql : statements) {
      String text = SqlGuard.normalize(sql);
      Matcher m;
      if ((m = CONSTRAINT.matcher(text)).matches()) {
        indexes.add(task(sql, m.group(1), true, indexes.size()));
      } else if ((m = INDEX.matcher(text)).matches()) {
        indexes.add(task(sql, m.group(1), false, indexes.size()));
      } else if ((m = FOREIGN_KEY.matcher(text)).matches()) {
        if (m.group(1) != null && !ENDS_NOT_VALID.matcher(text).matches()) {
          addForeignKeys.add(TRAILING_SEMICOLON.matcher(sql).replaceFirst("") + " NOT VALID");
          String validate = "ALTER TABLE " + m.group(2) + " VALIDATE CONSTRAINT " + m.group(3);
          validations.add(task(validate, m.group(2), true, validations.size()));
        } else {
          addForeignKeys.add(sql);
        }
      } else {
        rest.add(sql);
      }
    }
    AtomicInteger done = new AtomicInteger();
    int total = indexes.size() + addForeignKeys.size() + rest.size();
    runParallel(indexes, () -> listener.statementDone(done.incrementAndGet(), total));
    for (String sql : addForeignKeys) {
      execute(main, sql);
    }
    runParallel(validations, () -> {});
    done.addAndGet(addForeignKeys.size());
    listener.statementDone(done.get(), total);
    for (String sql : rest) {
      execute(main, sql);
      listener.statementDone(done.incrementAndGet(), total);
    }
  }

  private Task task(String sql, String table, boolean exclusive, int order) {
    return new Task(sql, table, exclusive, tableSizes.getOrDefault(table, 0L), order);
  }

  /** Biggest table first; on one table, dump order (pg_dump writes constraints before indexes). */
  static Deque<Task> schedule(List<Task> tasks) {
    List<Task> sorted = new ArrayList<>(tasks);
    sorted.sort(
        Comparator.comparingLong(Task::cost)
            .reversed()
            .thenComparing(Task::table)
            .thenComparingInt(Task::order));
    return new ArrayDeque<>(sorted);
  }

  /**
   * Runs {@code tasks} over up to {@code jobs} connections. A worker takes the first task whose
   * table is free for it: an exclusive task needs nobody else on its table, a shared one needs no
   * exclusive task there.
   */
  private void runParallel(List<Task> tasks, Runnable onDone) {
    if (tasks.isEmpty()) {
      return;
    }
    Scheduler scheduler = new Scheduler(schedule(tasks));
    int threads = Math.max(1, Math.min(jobs, tasks.size()));
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

  /** The shared state of one parallel phase. */
  private static final class Scheduler {
    private final Deque<Task> pending;
    private final Map<String, Integer> running = new HashMap<>();
    private final Map<String, Boolean> exclusive = new HashMap<>();
    private @Nullable RestoreFailed failure;

    Scheduler(Deque<Task> pending) {
      this.pending = pending;
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

    private synchronized @Nullable Task next() {
      while (true) {
        if (failure != null || pending.isEmpty()) {
          return null;
        }
        for (var it = pending.iterator(); it.hasNext(); ) {
          Task task = it.next();
          int busy = running.getOrDefault(task.table(), 0);
          boolean free = task.exclusive() ? busy == 0 : busy == 0 || !exclusive.get(task.table());
          if (free) {
            it.remove();
            running.merge(task.table(), 1, Integer::sum);
            exclusive.put(task.table(), task.exclusive());
            return task;
          }
        }
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return null;
        }
      }
    }

    private synchronized void release(Task task) {
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
  }

  @FunctionalInterface
  private interface ConnectionOpener {
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
