package social.fedimon.engine.dump;

/** Hears how a restore goes: for the CLI's progress bar and, later, the web page. */
public interface RestoreListener {

  /** A phase began: {@code checking}, {@code pre-data}, {@code data}, {@code post-data}... */
  default void phase(String phase) {}

  /** A table's data is all in: {@code rows} lines of COPY data. */
  default void tableDone(String table, long rows) {}

  /** Another statement of the post-data phase finished. */
  default void statementDone(int done, int total) {}

  RestoreListener NONE = new RestoreListener() {};
}
