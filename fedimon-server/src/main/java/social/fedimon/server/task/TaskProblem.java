package social.fedimon.server.task;

/**
 * A permanent problem: the task stops with {@code code} (a problem code of the contract) and a
 * message in plain words for the admin. Never put a secret in the message.
 */
public class TaskProblem extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String code;

  public TaskProblem(String code, String message) {
    super(message);
    this.code = code;
  }

  public TaskProblem(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
