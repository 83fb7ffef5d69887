package social.fedimon.engine.dump;

import org.jspecify.annotations.Nullable;

/**
 * A restore stopped: the server refused a statement or the data, or the connection was lost. The
 * target is left as it is, for {@code restore --clean} to start again on; nothing reports success.
 */
public final class RestoreFailed extends RuntimeException {

  private final String phase;
  private final @Nullable String statement;

  public RestoreFailed(
      String phase, @Nullable String statement, String serverMessage, Throwable cause) {
    super(
        "the restore stopped during "
            + phase
            + (statement == null ? "" : " at \"" + excerpt(statement) + "\"")
            + ": "
            + serverMessage,
        cause);
    this.phase = phase;
    this.statement = statement;
  }

  public RestoreFailed(String message) {
    super(message);
    this.phase = "preparation";
    this.statement = null;
  }

  /** pre-data, data, post-data, or preparation. */
  public String phase() {
    return phase;
  }

  public @Nullable String statement() {
    return statement;
  }

  static String excerpt(String sql) {
    String oneLine = SqlGuard.normalize(sql);
    return social.fedimon.engine.Printable.name(
        oneLine.length() > 160 ? oneLine.substring(0, 160) + "…" : oneLine);
  }
}
