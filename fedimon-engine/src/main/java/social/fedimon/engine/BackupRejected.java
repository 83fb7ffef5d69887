package social.fedimon.engine;

/**
 * The engine's one unchecked exception for expected failures: the backup cannot be read further,
 * for the reason its {@link Problem} gives. Becomes data (a report) at exactly one boundary: the
 * inspector, the restorer, the CLI.
 */
public class BackupRejected extends RuntimeException {

  private final Problem problem;

  public BackupRejected(Problem problem) {
    super(problem.code().code() + ": " + problem.message());
    this.problem = problem;
  }

  public BackupRejected(Problem problem, Throwable cause) {
    super(problem.code().code() + ": " + problem.message(), cause);
    this.problem = problem;
  }

  public static BackupRejected of(ProblemCode code, String message) {
    return new BackupRejected(Problem.of(code, message));
  }

  public static BackupRejected of(ProblemCode code, String message, String entry) {
    return new BackupRejected(Problem.of(code, message, entry));
  }

  public Problem problem() {
    return problem;
  }

  public ProblemCode code() {
    return problem.code();
  }
}
