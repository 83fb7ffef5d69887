package social.fedimon.server.task;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where a task stands, as the API's task JSON names it. Every change of state goes through {@link
 * #to}, which holds the one table of allowed transitions; anything else is a bug and throws.
 */
public enum TaskState {
  /** Waiting for a node to take it (new, retried, or put back after a transient failure). */
  QUEUED("queued"),
  /** A node runs one of its steps. */
  RUNNING("running"),
  /** Waiting for something outside: approval, DNS, the admin's confirmation, a scheduled date. */
  WAITING("waiting"),
  SUCCEEDED("succeeded"),
  /** Stopped by a permanent problem; an operator may queue it again from a step. */
  FAILED("failed"),
  CANCELLED("cancelled");

  private static final Map<TaskState, Set<TaskState>> TRANSITIONS = new EnumMap<>(TaskState.class);

  static {
    allow(QUEUED, RUNNING, CANCELLED);
    // back to QUEUED: a transient failure retried later, or a step handed to another node
    allow(RUNNING, WAITING, SUCCEEDED, FAILED, CANCELLED, QUEUED);
    allow(WAITING, RUNNING, CANCELLED);
    allow(FAILED, QUEUED); // an operator's retry
    allow(SUCCEEDED);
    allow(CANCELLED);
  }

  private static void allow(TaskState from, TaskState... to) {
    Set<TaskState> next = EnumSet.noneOf(TaskState.class);
    next.addAll(java.util.List.of(to));
    TRANSITIONS.put(from, Collections.unmodifiableSet(next));
  }

  private final String json;

  TaskState(String json) {
    this.json = json;
  }

  /** The name in the API's task JSON. */
  public String json() {
    return json;
  }

  /** The state of that name in the API's task JSON. */
  public static TaskState ofJson(String name) {
    for (TaskState state : values()) {
      if (state.json.equals(name)) {
        return state;
      }
    }
    throw new IllegalArgumentException("no task state is called " + name);
  }

  /** The states this one may go to. */
  public Set<TaskState> next() {
    return TRANSITIONS.get(this);
  }

  /** Whether nothing runs or waits any more (failed tasks may still be retried). */
  public boolean ended() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }

  /**
   * {@code next}, if this state may go there.
   *
   * @throws IllegalTransition if the table does not allow it
   */
  public TaskState to(TaskState next) {
    if (!next().contains(next)) {
      throw new IllegalTransition(this, next);
    }
    return next;
  }

  /** A change of state the transition table does not allow. */
  public static final class IllegalTransition extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    IllegalTransition(TaskState from, TaskState to) {
      super("a task cannot go from " + from.json + " to " + to.json);
    }
  }
}
