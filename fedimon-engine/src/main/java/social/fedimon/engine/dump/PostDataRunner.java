package social.fedimon.engine.dump;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Runs post-data statements as pg_restore -j would: indexes and primary key, unique, check and
 * exclusion constraints first, in parallel (each takes a lock on one table only); then foreign keys
 * one by one (they lock two tables, and two of them in opposite directions could deadlock); then
 * the rest (triggers, rules, comments, attachments) in dump order.
 */
final class PostDataRunner {

  private static final Pattern PARALLEL =
      Pattern.compile(
          "(?is)^(CREATE\\s+(UNIQUE\\s+)?INDEX\\s.*|ALTER\\s+TABLE\\s+(ONLY\\s+)?\\S+\\s+ADD\\s+CONSTRAINT\\s+\\S+\\s+(PRIMARY\\s+KEY|UNIQUE|CHECK|EXCLUDE)\\b.*)");
  private static final Pattern FOREIGN_KEY =
      Pattern.compile(
          "(?is)^ALTER\\s+TABLE\\s+(ONLY\\s+)?\\S+\\s+ADD\\s+CONSTRAINT\\s+\\S+\\s+FOREIGN\\s+KEY\\b.*");

  private final RestoreTarget target;
  private final int jobs;
  private final List<String> session;
  private final RestoreListener listener;

  PostDataRunner(RestoreTarget target, int jobs, List<String> session, RestoreListener listener) {
    this.target = target;
    this.jobs = jobs;
    this.session = session;
    this.listener = listener;
  }

  void run(List<String> statements, Connection main) {
    List<String> parallel = new ArrayList<>();
    List<String> foreignKeys = new ArrayList<>();
    List<String> rest = new ArrayList<>();
    for (String sql : statements) {
      String text = SqlGuard.normalize(sql);
      if (PARALLEL.matcher(text).matches()) {
        parallel.add(sql);
      } else if (FOREIGN_KEY.matcher(text).matches()) {
        foreignKeys.add(sql);
      } else {
        rest.add(sql);
      }
    }
    AtomicInteger done = new AtomicInteger();
    int total = statements.size();
    runParallel(parallel, done, total);
    for (String sql : foreignKeys) {
      execute(main, sql);
      listener.statementDone(done.incrementAndGet(), total);
    }
    for (String sql : rest) {
      execute(main, sql);
      listener.statementDone(done.incrementAndGet(), total);
    }
  }

  private void runParallel(List<String> statements, AtomicInteger done, int total) {
    if (statements.isEmpty()) {
      return;
    }
    int threads = Math.max(1, Math.min(jobs, statements.size()));
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread thread = new Thread(r, "fedimon-post-data");
              thread.setDaemon(true);
              return thread;
            });
    ThreadLocal<Connection> connections = new ThreadLocal<>();
    List<Connection> opened = java.util.Collections.synchronizedList(new ArrayList<>());
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (String sql : statements) {
        futures.add(
            pool.submit(
                () -> {
                  Connection connection = connections.get();
                  if (connection == null) {
                    connection = open();
                    connections.set(connection);
                    opened.add(connection);
                  }
                  execute(connection, sql);
                  listener.statementDone(done.incrementAndGet(), total);
                }));
      }
      for (Future<?> future : futures) {
        try {
          future.get();
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof RestoreFailed failed) {
            throw failed;
          }
          throw new RestoreFailed("post-data", null, String.valueOf(e.getCause()), e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new RestoreFailed("interrupted during post-data");
        }
      }
    } finally {
      pool.shutdownNow();
      for (Connection connection : opened) {
        try {
          connection.close();
        } catch (SQLException ignored) {
          // closing after the work is done
        }
      }
    }
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
