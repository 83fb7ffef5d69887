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

  /** The body of a step, as a lambda can give it. */
  @FunctionalInterface
  interface Body {
    StepOutcome run(StepContext context) throws Exception;
  }

  /** A step of that name running {@code body}. */
  static Step of(String name, Body body) {
    return new Step() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public StepOutcome run(StepContext context) throws Exception {
        return body.run(context);
      }
    };
  }
}
