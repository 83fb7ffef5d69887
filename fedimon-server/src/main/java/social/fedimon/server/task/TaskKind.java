package social.fedimon.server.task;

import java.util.List;

/**
 * A kind of task: its name in the API ({@code migrate-in}, {@code export}) and its ordered steps.
 * Kinds are Spring beans; the runner finds a task's kind by its name.
 */
public interface TaskKind {

  /** The name in the API's task JSON. */
  String name();

  List<Step> steps();

  /** The steps' names, in order, as the task row stores them. */
  default List<String> stepNames() {
    return steps().stream().map(Step::name).toList();
  }

  /**
   * Takes back what the task made, after a cancel (from any step, including one that was
   * interrupted half-way): must work whatever the task got to, and again after a crash.
   */
  void cleanUp(Task task);
}
