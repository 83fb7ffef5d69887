package social.fedimon.server.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import social.fedimon.engine.BackupRejected;

/**
 * Runs a task's steps on this node, from the step its row names, when db-scheduler hands the task
 * to this node. db-scheduler makes sure one node holds an execution at a time and revives the
 * execution of a node that stopped sending heartbeats; on top of that a session advisory lock, held
 * on a connection of its own for as long as the steps run, keeps a node that is merely late with
 * its heartbeats and a node that revived its task from both running steps: the lock goes when the
 * holder's process (and so its connection) dies.
 */
@Component
public class TaskRunner
    implements DisposableBean,
        org.springframework.context.ApplicationListener<
            org.springframework.context.event.ContextClosedEvent> {

  private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);

  /** The first key of the two-int advisory locks that guard tasks. */
  private static final int LOCK_SPACE = 0x46454449; // "FEDI"

  private final TaskStore store;
  private final Map<String, TaskKind> kinds;
  private final TaskProperties properties;
  private final HikariDataSource dataSource;
  private final JdbcClient jdbc;
  private final Clock clock;
  private final String node;
  private final Map<UUID, Running> running = new ConcurrentHashMap<>();
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "task-progress");
            thread.setDaemon(true);
            return thread;
          });

  private final org.springframework.context.ApplicationEventPublisher events;

  TaskRunner(
      TaskStore store,
      List<TaskKind> kinds,
      TaskProperties properties,
      HikariDataSource dataSource,
      JdbcClient jdbc,
      Clock clock,
      org.springframework.context.ApplicationEventPublisher events) {
    this.events = events;
    this.store = store;
    this.kinds = kinds.stream().collect(Collectors.toMap(TaskKind::name, Function.identity()));
    this.properties = properties;
    this.dataSource = dataSource;
    this.jdbc = jdbc;
    this.clock = clock;
    this.node = nodeName();
    long period = properties.progressInterval().toMillis();
    ticker.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
  }

  /**
   * Set when the server begins to stop: running steps are halted (their hooks unblock what an
   * interrupt does not reach, such as a JDBC statement), no step starts, and a step that fails from
   * then on was stopped by the stop (whatever the engine made of the interrupt): it runs again on
   * the next node to start. Halting at once, rather than letting a restore of hours run out its
   * course, is what makes a deploy quick; the step's checkpoint says how much is redone.
   */
  private volatile boolean stopping;

  @Override
  public void onApplicationEvent(org.springframework.context.event.ContextClosedEvent event) {
    stopping = true;
    for (Running here : running.values()) {
      log.info("task {}: the server stops; halting its step", here.context.taskId());
      here.context.halt();
    }
  }

  /** This node's name in the task rows: host and process. */
  public String node() {
    return node;
  }

  public Optional<TaskKind> kind(String name) {
    return Optional.ofNullable(kinds.get(name));
  }

  /** The tasks this node is running now. */
  public java.util.Set<UUID> runningHere() {
    return java.util.Set.copyOf(running.keySet());
  }

  /** Runs the task {@code id} as far as it goes now; says when db-scheduler should come back. */
  CompletionHandler<Void> run(UUID id) {
    try (Connection lockConnection = lockConnection()) {
      if (!tryLock(lockConnection, id)) {
        log.info("task {} is still held by another node; looking again later", id);
        return later(Duration.ofSeconds(5));
      }
      return runLocked(id);
    } catch (SQLException e) {
      log.warn("task {}: the platform database refused: {}", id, e.getMessage());
      return later(properties.retryBackoff());
    }
  }

  private CompletionHandler<Void> runLocked(UUID id) {
    Task task = store.find(id).orElse(null);
    if (task == null || task.state().ended()) {
      return done();
    }
    TaskKind kind = kinds.get(task.kind());
    if (kind == null) {
      log.error("task {} has a kind this version does not know: {}", id, task.kind());
      return later(properties.waitRecheck());
    }
    if (task.cancelAsked()) {
      return cancelNow(kind, task);
    }
    UUID runId = UUID.randomUUID();
    boolean taken =
        task.state() == TaskState.RUNNING
            ? store.takeOver(task, runId, node)
            : store.move(task, TaskState.RUNNING, runId, node);
    if (!taken) {
      return later(Duration.ofSeconds(1)); // changed meanwhile (a cancel): look again
    }
    if (task.state() == TaskState.RUNNING) {
      store.event(id, task.step(), "taken over by " + node + " (" + task.runNode() + " stopped)");
    }
    // a waiting step that looks again says nothing new unless what it waits for changes
    List<String> waitedFor = task.state() == TaskState.WAITING ? task.waitingFor() : null;
    while (true) {
      task = store.find(id).orElseThrow();
      if (task.stepIndex() >= kind.steps().size()) {
        if (store.succeeded(task, runId, task.result())) {
          ended(id);
        }
        return done();
      }
      if (stopping) {
        // between two steps: the next node begins the next one
        store.handBack(task, runId);
        return later(Duration.ZERO);
      }
      Step step = kind.steps().get(task.stepIndex());
      StepContext context = new StepContext(task, runId, store, Thread.currentThread());
      Running here = new Running(context, clock.instant());
      running.put(id, here);
      if (stopping) {
        context.halt(); // the stop began while this step was being set up
      }
      StepOutcome outcome;
      try {
        if (waitedFor != null) {
          // looking again after a wait: not news
        } else if (task.checkpoint() == null && task.attempts() == 0) {
          store.event(id, step.name(), "started");
        } else {
          store.event(id, step.name(), "started again from its beginning");
        }
        context.checkStop();
        outcome = step.run(context);
        context.checkStop();
      } catch (Exception | StackOverflowError e) {
        running.remove(id);
        Thread.interrupted(); // a cancel's interrupt is spent here
        return failedStep(kind, task, runId, step, context, e);
      } finally {
        running.remove(id);
        writeProgress(here, true);
      }
      Thread.interrupted();
      if (outcome instanceof StepOutcome.Wait wait) {
        if (!store.waiting(task, runId, wait.waitingFor())) {
          return done(); // lost or cancelled meanwhile: whoever changed it goes on
        }
        if (!wait.waitingFor().equals(waitedFor)) {
          store.event(id, step.name(), "waiting for " + String.join(", ", wait.waitingFor()));
        }
        return later(wait.recheck());
      }
      JsonNode result = ((StepOutcome.Done) outcome).result();
      if (result != null && !store.result(id, runId, result)) {
        return done();
      }
      if (!store.stepDone(id, runId)) {
        return done();
      }
      store.event(id, step.name(), "done");
      waitedFor = null;
    }
  }

  private CompletionHandler<Void> failedStep(
      TaskKind kind, Task task, UUID runId, Step step, StepContext context, Throwable e) {
    UUID id = task.id();
    if (context.lost() || e instanceof StepContext.LostStep) {
      log.warn("task {}: step {} lost to another node; this run stops", id, step.name());
      return done();
    }
    if (context.cancelled() || e instanceof StepContext.TaskCancelled) {
      return cancelNow(kind, store.find(id).orElseThrow());
    }
    if (stopping) {
      log.info(
          "task {}: step {} stopped with the server; it runs again on the next node",
          id,
          step.name());
      if (store.retryLater(task, runId, "the server stopped")) {
        store.event(id, step.name(), "stopped with the server; it starts again on the next node");
      }
      return later(Duration.ZERO);
    }
    String code;
    String message;
    if (e instanceof TaskProblem problem) {
      code = problem.code();
      message = problem.getMessage();
    } else if (e instanceof BackupRejected rejected) {
      code = rejected.code().code();
      message = rejected.problem().message();
    } else {
      int attempts = task.attempts() + 1;
      String what = Redaction.message(e);
      if (attempts < properties.maxAttempts()) {
        Duration wait = properties.retryBackoff().multipliedBy(1L << Math.min(attempts - 1, 10));
        log.warn(
            "task {}: step {} failed (attempt {} of {}), again in {}: {}",
            id,
            step.name(),
            attempts,
            properties.maxAttempts(),
            wait,
            what,
            e);
        if (store.retryLater(task, runId, what)) {
          store.event(
              id, step.name(), "failed (" + what + "); trying again in " + wait.toSeconds() + " s");
        }
        return later(wait);
      }
      log.error("task {}: step {} failed {} times; the task stops", id, step.name(), attempts, e);
      code = "retries-exhausted";
      message =
          "the step " + step.name() + " failed " + attempts + " times; the last time: " + what;
    }
    if (store.failed(task, runId, code, message)) {
      store.event(id, step.name(), "failed: " + message + " [" + code + "]");
      ended(id);
    }
    return done();
  }

  /** Tells the listeners (the milestone mails) that the task ended. */
  private void ended(UUID id) {
    try {
      store.find(id).ifPresent(task -> events.publishEvent(new TaskEnded(task)));
    } catch (RuntimeException e) {
      log.warn("task {}: a listener of its end failed: {}", id, e.toString());
    }
  }

  /** Takes back what the task made and marks it cancelled. */
  private CompletionHandler<Void> cancelNow(TaskKind kind, Task task) {
    try {
      kind.cleanUp(task);
    } catch (RuntimeException e) {
      log.warn("task {}: cleaning up after a cancel failed; again later", task.id(), e);
      return later(properties.retryBackoff());
    }
    Task now = store.find(task.id()).orElseThrow();
    if (!now.state().ended() && store.move(now, TaskState.CANCELLED, null, null)) {
      store.event(task.id(), now.step(), "cancelled; what it had made is removed");
    }
    return done();
  }

  /** Every interval: running steps' progress stored, cancels and lost steps noticed. */
  private void tick() {
    for (Running here : running.values()) {
      try {
        UUID id = here.context.taskId();
        Map<String, Object> row =
            jdbc.sql("SELECT cancel_asked, run_id FROM task WHERE id = :id")
                .param("id", id)
                .query()
                .singleRow();
        if (!here.context.runIdMatches(row.get("run_id"))) {
          here.context.lose();
        } else if (Boolean.TRUE.equals(row.get("cancel_asked"))) {
          store.event(id, here.context.task().step(), "cancel asked: stopping the step");
          here.context.cancel();
        } else {
          writeProgress(here, false);
        }
      } catch (RuntimeException e) {
        log.warn("task progress: {}", e.toString());
      }
    }
  }

  private void writeProgress(Running here, boolean last) {
    ObjectNode progress = here.context.progressNow();
    Instant now = clock.instant();
    if (progress.has("bytes")) {
      long bytes = progress.get("bytes").asLong();
      double seconds = Duration.between(here.lastAt, now).toMillis() / 1000.0;
      if (seconds > 0 && here.lastBytes >= 0) {
        double rate = (bytes - here.lastBytes) / seconds;
        here.rate = here.rate < 0 ? rate : 0.7 * here.rate + 0.3 * rate;
      }
      here.lastBytes = bytes;
      here.lastAt = now;
      if (here.rate > 0) {
        progress.put("rate", Math.round(here.rate));
        if (progress.has("totalBytes")) {
          long left = progress.get("totalBytes").asLong() - bytes;
          progress.put("etaSeconds", Math.max(0, Math.round(left / here.rate)));
        }
      }
    }
    if (!last && progress.equals(here.written)) {
      return;
    }
    if (last && progress.size() <= 1) {
      return;
    }
    here.written = progress;
    store.progress(here.context.taskId(), here.context.runId(), progress);
  }

  private Connection lockConnection() throws SQLException {
    java.util.Properties props = new java.util.Properties();
    if (dataSource.getUsername() != null) {
      props.setProperty("user", dataSource.getUsername());
    }
    if (dataSource.getPassword() != null) {
      props.setProperty("password", dataSource.getPassword());
    }
    props.setProperty("ApplicationName", "fedimon task lock");
    return DriverManager.getConnection(dataSource.getJdbcUrl(), props);
  }

  private static boolean tryLock(Connection connection, UUID id) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT pg_try_advisory_lock(?, hashtext(?))")) {
      statement.setInt(1, LOCK_SPACE);
      statement.setString(2, id.toString());
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private static CompletionHandler<Void> done() {
    return (ExecutionComplete complete, ExecutionOperations<Void> operations) ->
        operations.remove();
  }

  private CompletionHandler<Void> later(Duration wait) {
    return (ExecutionComplete complete, ExecutionOperations<Void> operations) ->
        operations.reschedule(complete, clock.instant().plus(wait));
  }

  private static String nodeName() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "localhost";
    }
    return host
        + ":"
        + ProcessHandle.current().pid()
        + ":"
        + ManagementFactory.getRuntimeMXBean().getStartTime() % 100000;
  }

  @Override
  public void destroy() {
    ticker.shutdownNow();
  }

  /** A step running on this node, with what its progress looked like last time. */
  private static final class Running {
    final StepContext context;
    Instant lastAt;
    long lastBytes = -1;
    double rate = -1;
    @Nullable JsonNode written;

    Running(StepContext context, Instant startedAt) {
      this.context = context;
      this.lastAt = startedAt;
    }
  }
}
