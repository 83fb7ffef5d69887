package social.fedimon.server.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code task} and {@code task_event} tables. Every change of state names the state it comes
 * from ({@code WHERE state = :from}), so two nodes can never both make the same change, and checks
 * it against {@link TaskState}'s table first. Writes of a running step also name the run ({@code
 * run_id}): a run whose step was taken over by another node writes nothing.
 */
@Repository
public class TaskStore {

  private static final String COLUMNS =
      "id, account_id, instance_id, kind, state, steps, step_index, checkpoint, waiting_for,"
          + " progress, problem_code, problem_message, result, attempts, cancel_asked, run_id,"
          + " run_node, created_at, updated_at, finished_at, options";

  private final JdbcClient jdbc;
  private final ObjectMapper json;
  private final Clock clock;

  TaskStore(JdbcClient jdbc, ObjectMapper json, Clock clock) {
    this.jdbc = jdbc;
    this.json = json;
    this.clock = clock;
  }

  /** A new task, queued at its first step. */
  public Task create(
      UUID accountId,
      @Nullable UUID instanceId,
      String kind,
      List<String> steps,
      @Nullable JsonNode options) {
    UUID id = UUID.randomUUID();
    OffsetDateTime now = now();
    jdbc.sql(
            "INSERT INTO task (id, account_id, instance_id, kind, state, steps, created_at,"
                + " updated_at, options) VALUES (:id, :account, :instance, :kind, 'queued', :steps,"
                + " :now, :now, CAST(:options AS jsonb))")
        .param("id", id)
        .param("account", accountId)
        .param("instance", instanceId)
        .param("kind", kind)
        .param("steps", steps.toArray(String[]::new))
        .param("now", now)
        .param("options", options == null ? null : write(options))
        .update();
    event(id, steps.get(0), "queued");
    return find(id).orElseThrow();
  }

  public Optional<Task> find(UUID id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM task WHERE id = :id")
        .param("id", id)
        .query(this::task)
        .optional();
  }

  /** The task if {@code accountId} owns it: another account's task does not exist for it. */
  public Optional<Task> findOwned(UUID id, UUID accountId) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM task WHERE id = :id AND account_id = :account")
        .param("id", id)
        .param("account", accountId)
        .query(this::task)
        .optional();
  }

  /** An instance's tasks, newest first. */
  /** The tasks in one of {@code states}, newest first (the operator's view). */
  public List<Task> inStates(List<String> states, int limit) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM task WHERE state IN (:states) ORDER BY created_at DESC LIMIT :limit")
        .param("states", states)
        .param("limit", limit)
        .query(this::task)
        .list();
  }

  /** How many tasks are in each state. */
  public java.util.Map<String, Long> countsByState() {
    java.util.Map<String, Long> counts = new java.util.TreeMap<>();
    jdbc.sql("SELECT state, count(*) AS n FROM task GROUP BY state")
        .query((rs, n) -> counts.put(rs.getString("state"), rs.getLong("n")))
        .list();
    return counts;
  }

  /** The instance's newest task of {@code kind}. */
  public Optional<Task> newest(UUID instanceId, String kind) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM task WHERE instance_id = :instance AND kind = :kind"
                + " ORDER BY created_at DESC LIMIT 1")
        .param("instance", instanceId)
        .param("kind", kind)
        .query(this::task)
        .optional();
  }

  /** The newest task of {@code kind} of each of the account's instances that has one. */
  public java.util.Map<UUID, Task> newestByInstance(UUID accountId, String kind) {
    java.util.Map<UUID, Task> newest = new java.util.HashMap<>();
    jdbc.sql(
            "SELECT DISTINCT ON (instance_id) "
                + COLUMNS
                + " FROM task WHERE account_id = :account AND kind = :kind"
                + " AND instance_id IS NOT NULL ORDER BY instance_id, created_at DESC")
        .param("account", accountId)
        .param("kind", kind)
        .query(this::task)
        .list()
        .forEach(task -> newest.put(java.util.Objects.requireNonNull(task.instanceId()), task));
    return newest;
  }

  public List<Task> forInstance(UUID instanceId) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM task WHERE instance_id = :instance ORDER BY created_at DESC")
        .param("instance", instanceId)
        .query(this::task)
        .list();
  }

  /** Tasks being run by {@code node} whose cancel was asked. */
  public List<UUID> cancelsFor(String node) {
    return jdbc.sql(
            "SELECT id FROM task WHERE run_node = :node AND cancel_asked AND state = 'running'")
        .param("node", node)
        .query(UUID.class)
        .list();
  }

  /**
   * Moves a task from the state it is in to {@code to}, taking the step for the run {@code runId}
   * when it goes to running.
   *
   * @return false if another node changed the task first
   * @throws TaskState.IllegalTransition if the table does not allow the change
   */
  public boolean move(Task task, TaskState to, @Nullable UUID runId, @Nullable String node) {
    task.state().to(to);
    return jdbc.sql(
                "UPDATE task SET state = :to, run_id = :run, run_node = :node, updated_at = :now,"
                    + " finished_at = CASE WHEN :ended THEN :now ELSE NULL END,"
                    + " waiting_for = CASE WHEN :to = 'waiting' THEN waiting_for ELSE NULL END"
                    + " WHERE id = :id AND state = :from")
            .param("to", to.json())
            .param("from", task.state().json())
            .param("run", runId)
            .param("node", node)
            .param("ended", to.ended())
            .param("now", now())
            .param("id", task.id())
            .update()
        == 1;
  }

  /**
   * A node takes over the step of a run that stopped (its node died: db-scheduler revived the
   * execution after missed heartbeats, and the dead node's advisory lock is gone).
   */
  public boolean takeOver(Task task, UUID runId, String node) {
    return jdbc.sql(
                "UPDATE task SET run_id = :run, run_node = :node, updated_at = :now"
                    + " WHERE id = :id AND state = 'running' AND run_id IS NOT DISTINCT FROM :old")
            .param("run", runId)
            .param("node", node)
            .param("now", now())
            .param("id", task.id())
            .param("old", task.runId())
            .update()
        == 1;
  }

  /** The running step is done: the next one starts from a clean checkpoint. */
  public boolean stepDone(UUID id, UUID runId) {
    return runUpdate(
        id,
        runId,
        "step_index = step_index + 1, checkpoint = NULL, progress = NULL, attempts = 0,"
            + " problem_code = NULL, problem_message = NULL");
  }

  public boolean checkpoint(UUID id, UUID runId, JsonNode checkpoint) {
    return jdbc.sql(
                "UPDATE task SET checkpoint = CAST(:checkpoint AS jsonb), updated_at = :now"
                    + " WHERE id = :id AND run_id = :run")
            .param("checkpoint", write(checkpoint))
            .param("now", now())
            .param("id", id)
            .param("run", runId)
            .update()
        == 1;
  }

  public boolean progress(UUID id, UUID runId, JsonNode progress) {
    return jdbc.sql(
                "UPDATE task SET progress = CAST(:progress AS jsonb), updated_at = :now"
                    + " WHERE id = :id AND run_id = :run AND state = 'running'")
            .param("progress", write(progress))
            .param("now", now())
            .param("id", id)
            .param("run", runId)
            .update()
        == 1;
  }

  /** The running step waits for what is outside: it runs again when woken or rechecked. */
  public boolean waiting(Task task, UUID runId, List<String> waitingFor) {
    task.state().to(TaskState.WAITING);
    return jdbc.sql(
                "UPDATE task SET state = 'waiting', waiting_for = :waiting, progress = NULL,"
                    + " run_id = NULL, run_node = NULL, updated_at = :now"
                    + " WHERE id = :id AND run_id = :run AND state = 'running'")
            .param("waiting", waitingFor.toArray(String[]::new))
            .param("now", now())
            .param("id", task.id())
            .param("run", runId)
            .update()
        == 1;
  }

  /** A transient failure: the step runs again later. */
  public boolean retryLater(Task task, UUID runId, String message) {
    task.state().to(TaskState.QUEUED);
    return jdbc.sql(
                "UPDATE task SET state = 'queued', attempts = attempts + 1, run_id = NULL,"
                    + " run_node = NULL, problem_message = :message, updated_at = :now"
                    + " WHERE id = :id AND run_id = :run AND state = 'running'")
            .param("message", message)
            .param("now", now())
            .param("id", task.id())
            .param("run", runId)
            .update()
        == 1;
  }

  /** This node lets the task go between two steps (it stops): the next node goes on with it. */
  public boolean handBack(Task task, UUID runId) {
    task.state().to(TaskState.QUEUED);
    return jdbc.sql(
                "UPDATE task SET state = 'queued', run_id = NULL, run_node = NULL, updated_at = :now"
                    + " WHERE id = :id AND run_id = :run AND state = 'running'")
            .param("now", now())
            .param("id", task.id())
            .param("run", runId)
            .update()
        == 1;
  }

  /** A permanent problem: the task stops with it. */
  public boolean failed(Task task, UUID runId, String code, String message) {
    task.state().to(TaskState.FAILED);
    return jdbc.sql(
                "UPDATE task SET state = 'failed', problem_code = :code, problem_message = :message,"
                    + " run_id = NULL, run_node = NULL, progress = NULL, updated_at = :now,"
                    + " finished_at = :now WHERE id = :id AND run_id = :run AND state = 'running'")
            .param("code", code)
            .param("message", message)
            .param("now", now())
            .param("id", task.id())
            .param("run", runId)
            .update()
        == 1;
  }

  public boolean succeeded(Task task, UUID runId, @Nullable JsonNode result) {
    task.state().to(TaskState.SUCCEEDED);
    return jdbc.sql(
                "UPDATE task SET state = 'succeeded', result = CAST(:result AS jsonb),"
                    + " run_id = NULL, run_node = NULL, progress = NULL, updated_at = :now,"
                    + " finished_at = :now WHERE id = :id AND run_id = :run AND state = 'running'")
            .param("result", result == null ? null : write(result))
            .param("now", now())
            .param("id", task.id())
            .param("run", runId)
            .update()
        == 1;
  }

  /** Sets the result while the task still runs (e.g. a step learned the archive's size). */
  public boolean result(UUID id, UUID runId, JsonNode result) {
    return jdbc.sql(
                "UPDATE task SET result = CAST(:result AS jsonb), updated_at = :now"
                    + " WHERE id = :id AND run_id = :run")
            .param("result", write(result))
            .param("now", now())
            .param("id", id)
            .param("run", runId)
            .update()
        == 1;
  }

  /** Asks a task to stop; the node running it (or the next to take it) cancels it. */
  public boolean askCancel(UUID id) {
    return jdbc.sql(
                "UPDATE task SET cancel_asked = true, updated_at = :now WHERE id = :id"
                    + " AND state IN ('queued', 'running', 'waiting')")
            .param("now", now())
            .param("id", id)
            .update()
        == 1;
  }

  /** An operator's retry of a failed task, from {@code stepIndex}. */
  public boolean requeue(Task task, int stepIndex) {
    task.state().to(TaskState.QUEUED);
    return jdbc.sql(
                "UPDATE task SET state = 'queued', step_index = :step, checkpoint = NULL,"
                    + " attempts = 0, problem_code = NULL, problem_message = NULL,"
                    + " progress = NULL, finished_at = NULL, updated_at = :now"
                    + " WHERE id = :id AND state = :from")
            .param("step", stepIndex)
            .param("now", now())
            .param("id", task.id())
            .param("from", task.state().json())
            .update()
        == 1;
  }

  public void event(UUID taskId, @Nullable String step, String message) {
    jdbc.sql("INSERT INTO task_event (task_id, at, step, message) VALUES (:task, :at, :step, :msg)")
        .param("task", taskId)
        .param("at", now())
        .param("step", step)
        .param("msg", message)
        .update();
  }

  /** A task's log after event {@code afterId}, oldest first. */
  public List<TaskEvent> events(UUID taskId, long afterId) {
    return jdbc.sql(
            "SELECT id, at, step, message FROM task_event WHERE task_id = :task AND id > :after"
                + " ORDER BY id LIMIT 1000")
        .param("task", taskId)
        .param("after", afterId)
        .query(
            (rs, row) ->
                new TaskEvent(
                    rs.getLong("id"),
                    rs.getObject("at", OffsetDateTime.class).toInstant(),
                    rs.getString("step"),
                    rs.getString("message")))
        .list();
  }

  private boolean runUpdate(UUID id, UUID runId, String set) {
    return jdbc.sql(
                "UPDATE task SET " + set + ", updated_at = :now WHERE id = :id AND run_id = :run")
            .param("now", now())
            .param("id", id)
            .param("run", runId)
            .update()
        == 1;
  }

  private OffsetDateTime now() {
    return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  private String write(JsonNode node) {
    try {
      return json.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private @Nullable JsonNode read(@Nullable String text) {
    if (text == null) {
      return null;
    }
    try {
      return json.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a task's JSON column does not parse", e);
    }
  }

  private Task task(ResultSet rs, int row) throws SQLException {
    return new Task(
        rs.getObject("id", UUID.class),
        rs.getObject("account_id", UUID.class),
        rs.getObject("instance_id", UUID.class),
        rs.getString("kind"),
        TaskState.ofJson(rs.getString("state")),
        strings(rs.getArray("steps")),
        rs.getInt("step_index"),
        read(rs.getString("checkpoint")),
        strings(rs.getArray("waiting_for")),
        read(rs.getString("progress")),
        rs.getString("problem_code"),
        rs.getString("problem_message"),
        read(rs.getString("result")),
        rs.getInt("attempts"),
        rs.getBoolean("cancel_asked"),
        rs.getObject("run_id", UUID.class),
        rs.getString("run_node"),
        instant(rs, "created_at"),
        instant(rs, "updated_at"),
        rs.getObject("finished_at", OffsetDateTime.class) == null
            ? null
            : instant(rs, "finished_at"),
        read(rs.getString("options")));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    return rs.getObject(column, OffsetDateTime.class).toInstant();
  }

  private static List<String> strings(@Nullable Array array) throws SQLException {
    return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
  }
}
