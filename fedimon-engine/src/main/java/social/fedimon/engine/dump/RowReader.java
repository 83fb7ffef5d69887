package social.fedimon.engine.dump;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a caller reads from the rows of a dump's tables, beyond counting them: a few values picked
 * out of each row of the tables it cares about. The dump readers know rows and columns only; what
 * the values mean (a Mastodon media file's name, say) is the caller's, which hands this in.
 */
public interface RowReader {

  /** Reads nothing: rows are only counted. */
  RowReader NONE = (table, columns) -> Optional.empty();

  /**
   * What reads the rows of {@code table} (its bare name for schema public) whose COPY lists {@code
   * columns}; empty when they are only to be counted. Called once per COPY, before its rows.
   */
  Optional<Rows> forTable(String table, List<String> columns);

  /**
   * The reader for the rows of {@code database}, one of a cluster dump's: by default this one. A
   * caller that must tell the databases apart returns one of its own for each.
   */
  default RowReader forDatabase(String database) {
    return this;
  }

  /** The rows of one table. */
  interface Rows {

    /** Where the values {@link #row} takes sit in a row, ascending. */
    int[] selected();

    /** One row's picked values, in the order of {@link #selected()}; null for SQL NULL. */
    void row(@Nullable String[] values);
  }
}
