package social.fedimon.server.task;

/**
 * One step of a task. A step must be idempotent: after a crash it runs again from its start, so it
 * first takes back (or skips) what an interrupted run of it made (a restore drops and recreates the
 * tenant database; an upload skips what the store already holds).
 */
public interface Step {

  String name();

  /**
   * Runs the step.
   *
   * @throws TaskProblem for a permanent problem: the task fails with its code
   * @throws social.fedimon.engine.BackupRejected the same, with the engine's code
   * @throws Exception anything else is transient: the step runs again later, with backoff
   */
  StepOutcome run(StepContext context) throws Exception;
}
