package social.fedimon.server.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a running step knows and may do: its task, its checkpoint, its progress, its log, and
 * whether it was asked to stop. A step that blocks where an interrupt does not reach (a JDBC
 * statement, a socket) registers an {@link #onCancel} hook that unblocks it; the hooks run on a
 * cancel, when the step is lost to another node, and when the server stops.
 */
public final class StepContext {

  private static final Logger log = LoggerFactory.getLogger(StepContext.class);

  private final Task task;
  private final UUID runId;
  private final TaskStore store;
  private final Thread worker;
  private final List<Runnable> cancelHooks = new CopyOnWriteArrayList<>();
  private volatile boolean cancelled;
  private volatile boolean lost;
  private volatile boolean halted;
  private @Nullable JsonNode checkpoint;

  // progress, read by the runner's ticker at a bounded rate
  private final AtomicLong bytes = new AtomicLong(-1);
  private final AtomicLong totalBytes = new AtomicLong(-1);
  private final AtomicLong rows = new AtomicLong(-1);
  private final AtomicLong files = new AtomicLong(-1);
  private volatile @Nullable String phase;

  StepContext(Task task, UUID runId, TaskStore store, Thread worker) {
    this.task = task;
    this.runId = runId;
    this.store = store;
    this.worker = worker;
    this.checkpoint = task.checkpoint();
  }

  public Task task() {
    return task;
  }

  public UUID taskId() {
    return task.id();
  }

  public UUID accountId() {
    return task.accountId();
  }

  /** The instance the task is for; a task without one has no use for this. */
  public UUID instanceId() {
    UUID instance = task.instanceId();
    if (instance == null) {
      throw new IllegalStateException("task " + task.id() + " belongs to no instance");
    }
    return instance;
  }

  /** What an earlier, interrupted run of this step recorded; null on a clean start. */
  public @Nullable JsonNode checkpoint() {
    return checkpoint;
  }

  public void checkpoint(JsonNode value) {
    checkpoint = value;
    if (!store.checkpoint(task.id(), runId, value)) {
      throw lostStep();
    }
  }

  /** A line in the task's log (shown to the admin: plain words, no secrets). */
  public void log(String message) {
    store.event(task.id(), task.step(), message);
  }

  /** Sets what the task will show as its result, before it ends. */
  public void result(JsonNode result) {
    if (!store.result(task.id(), runId, result)) {
      throw lostStep();
    }
  }

  // --- progress: any thread may report, the runner stores it at a bounded rate

  public void phase(String name) {
    phase = name;
  }

  public void totalBytes(long total) {
    totalBytes.set(total);
  }

  public void bytes(long done) {
    bytes.set(done);
  }

  public void rows(long done) {
    rows.set(done);
  }

  public void files(long done) {
    files.set(done);
  }

  /** The progress now, without rate or ETA (the runner adds them). */
  ObjectNode progressNow() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("step", task.step());
    if (phase != null) {
      node.put("phase", phase);
    }
    long total = totalBytes.get();
    long done = bytes.get();
    if (done >= 0) {
      node.put("bytes", done);
    }
    if (total > 0) {
      node.put("totalBytes", total);
      if (done >= 0) {
        node.put("percent", Math.min(100.0, Math.round(done * 1000.0 / total) / 10.0));
      }
    }
    if (rows.get() >= 0) {
      node.put("rows", rows.get());
    }
    if (files.get() >= 0) {
      node.put("files", files.get());
    }
    return node;
  }

  // --- stopping

  /**
   * Whether the step should end now: the task was cancelled, lost to another node, or the server is
   * stopping.
   */
  public boolean stopping() {
    return cancelled || lost || halted;
  }

  /** Throws if the step should stop; call between units of work. */
  public void checkStop() {
    if (cancelled) {
      throw new TaskCancelled();
    }
    if (lost) {
      throw lostStep();
    }
    if (halted) {
      throw new Halted();
    }
  }

  /** Runs {@code hook} when a cancel arrives (at once if it already did). */
  public void onCancel(Runnable hook) {
    cancelHooks.add(hook);
    if (stopping()) {
      hook.run();
    }
  }

  UUID runId() {
    return runId;
  }

  boolean runIdMatches(@Nullable Object stored) {
    return runId.equals(stored);
  }

  boolean cancelled() {
    return cancelled;
  }

  boolean lost() {
    return lost;
  }

  void cancel() {
    if (cancelled) {
      return;
    }
    cancelled = true;
    stopWork();
  }

  /** The server stops: the step ends now and runs again on the next node. */
  void halt() {
    if (halted) {
      return;
    }
    halted = true;
    stopWork();
  }

  void lose() {
    if (lost) {
      return;
    }
    lost = true;
    stopWork();
  }

  private void stopWork() {
    for (Runnable hook : cancelHooks) {
      try {
        hook.run();
      } catch (RuntimeException e) {
        log.warn("a cancel hook of task {} failed: {}", task.id(), e.toString());
      }
    }
    worker.interrupt();
  }

  private LostStep lostStep() {
    lost = true;
    return new LostStep(task.id());
  }

  /** The task was cancelled while this step ran. */
  public static final class TaskCancelled extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TaskCancelled() {
      super("the task was cancelled");
    }
  }

  /** The server stopped while this step ran; it runs again on the next node. */
  public static final class Halted extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Halted() {
      super("the server is stopping");
    }
  }

  /** Another node took the step over (this one missed its heartbeats): stop, write nothing. */
  public static final class LostStep extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LostStep(UUID task) {
      super("task " + task + " is now run by another node");
    }
  }
}
