package social.fedimon.engine.dump;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

/** The toc.dat of a directory or tar archive: header and TOC, each entry naming its data file. */
public final class TocFile {

  private TocFile() {}

  public static ArchiveToc read(InputStream in) throws IOException {
    return ArchiveToc.read(new ArchiveInput(new BufferedInputStream(in), "toc.dat"), true);
  }

  /**
   * Runs the definitions of a toc.dat through the guard into {@code handler}, as for a custom
   * archive (pre-data, data, post-data), without the data itself.
   */
  public static void statements(ArchiveToc toc, SqlGuard guard, DumpHandler handler, int section)
      throws IOException {
    toc.entries().forEach(entry -> guard.noteOwner(entry.owner()));
    CustomDumpReader.TocStatements statements = new CustomDumpReader.TocStatements(guard, handler);
    if (section == TocEntry.SECTION_PRE_DATA) {
      statements.checkEncoding(toc.entries());
    }
    statements.run(toc.entries(), section);
  }

  /**
   * Hands the rows of a table file (its data, decompressed) to {@code handler} under the COPY
   * statement its TOC entry gives, once the guard agrees.
   */
  public static void tableData(
      TocEntry entry, InputStream rows, SqlGuard guard, DumpHandler handler) throws IOException {
    if (entry.copyStatement() == null) {
      return;
    }
    String copy = entry.copyStatement().strip();
    GuardDecision decision = guard.statement(copy, 0);
    if (decision instanceof GuardDecision.Run) {
      handler.tableData(
          PlainDumpReader.tableOf(copy), SqlGuard.normalize(copy), new CopyTerminated(rows));
    } else if (decision instanceof GuardDecision.Reject reject) {
      handler.problem(reject.problem());
    }
  }

  /** The rows of a table file: its content up to the COPY terminator line pg_dump ends it with. */
  public static InputStream rows(InputStream tableFile) {
    return new CopyTerminated(tableFile);
  }
}
