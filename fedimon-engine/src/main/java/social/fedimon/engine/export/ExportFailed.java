package social.fedimon.engine.export;

/** An export that could not be made or did not pass its check; the message says why. */
public class ExportFailed extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ExportFailed(String message) {
    super(message);
  }

  public ExportFailed(String message, Throwable cause) {
    super(message, cause);
  }
}
