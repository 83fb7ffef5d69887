package social.fedimon.engine.dump;

import java.io.IOException;
import java.io.InputStream;
import social.fedimon.engine.Problem;
import social.fedimon.engine.archive.Drain;

/**
 * Receives a dump as its readers decode it, whatever its format, after the SQL guard: only
 * statements the guard lets run arrive here.
 */
public interface DumpHandler {

  /** Where a statement belongs in pg_restore's order. */
  enum Phase {
    /** Schema: types, functions, tables, sequences. */
    PRE_DATA,
    /** Sequence values and large objects, after the table data. */
    DATA,
    /** Indexes, constraints, triggers, rules: after the data, in parallel where possible. */
    POST_DATA
  }

  /** What the dump says of itself. */
  void describe(DumpDescription description);

  /** A statement to run, in dump order. */
  void statement(String sql, long line, Phase phase) throws IOException;

  /**
   * The rows of a table in COPY text format, one per line.
   *
   * @param table the qualified table name, as in the COPY statement
   * @param copyStatement {@code COPY ... FROM stdin;}
   * @param rows the data; read it to its end, or not at all
   */
  void tableData(String table, String copyStatement, InputStream rows) throws IOException;

  /**
   * Whether {@link #tableData} should get {@code table}'s rows. When not, readers that can skip
   * data without decoding it (the custom format's compressed blocks) do, and hand an empty stream.
   */
  default boolean wantsData(String table) {
    return true;
  }

  /**
   * How many tables' data this handler can take at once. A reader that can read tables side by side
   * (a custom dump in a file of its own) then calls {@link #tableData} from that many threads at
   * once, each with a different table, after {@link #tablesSideBySide}; every other call stays on
   * the reader's thread. 1, the default: one table after the other.
   */
  default int tablesAtOnce() {
    return 1;
  }

  /** Tables come {@code readers} at a time from now on, each on a thread of its own. */
  default void tablesSideBySide(int readers) {}

  /** A large object's bytes. */
  default void largeObject(long oid, InputStream data) throws IOException {
    Drain.all(data);
  }

  /** A warning (statements left out) or the reason the dump is refused. */
  void problem(Problem problem);

  /**
   * A cluster dump (pg_dumpall) holds several databases, each after its {@code \connect}: the
   * handler for {@code database}'s statements and data, or empty to read past them (the default).
   */
  default java.util.Optional<DumpHandler> database(String database) {
    return java.util.Optional.empty();
  }

  /** At the end of a cluster dump: what it held, of which only databases were handed on. */
  default void cluster(ClusterContents contents) {}
}
