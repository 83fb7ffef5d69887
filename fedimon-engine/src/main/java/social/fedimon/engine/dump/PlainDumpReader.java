package social.fedimon.engine.dump;

import java.io.IOException;
import java.io.InputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import social.fedimon.engine.archive.Drain;

/** Reads a plain SQL dump: statements and COPY data through the guard, to a handler. */
public final class PlainDumpReader {

  private static final Pattern COPY_TABLE =
      Pattern.compile(
          "(?is)^\\s*COPY\\s+((?:\"(?:[^\"]|\"\")*\"|[^\\s(\"])+(?:\\.(?:\"(?:[^\"]|\"\")*\"|[^\\s(\"]+))?)");
  private static final Pattern STANDARD_STRINGS =
      Pattern.compile("(?is)^SET\\s+standard_conforming_strings\\s*=\\s*'?(on|off)'?;?$");

  private final SqlGuard guard;

  public PlainDumpReader(SqlGuard guard) {
    this.guard = guard;
  }

  public void read(InputStream in, DumpHandler handler) throws IOException {
    SqlLexer lexer = new SqlLexer(in);
    boolean described = false;
    DumpHandler.Phase phase = DumpHandler.Phase.PRE_DATA;
    String pendingCopy = null;
    for (SqlLexer.Item item = lexer.next(); item != null; item = lexer.next()) {
      // pg_dump 17.6 writes \restrict before its version comments: describe at the first statement
      if (!described && item instanceof SqlLexer.Statement) {
        handler.describe(
            new DumpDescription(
                DumpFormat.PLAIN, lexer.dumpedBy(), lexer.dumpedFrom(), null, null));
        described = true;
      }
      if (item instanceof SqlLexer.MetaCommand meta) {
        decide(guard.metaCommand(meta.text(), meta.line()), handler, meta.line(), phase);
      } else if (item instanceof SqlLexer.Statement statement) {
        String normalized = SqlGuard.normalize(statement.sql());
        Matcher strings = STANDARD_STRINGS.matcher(normalized);
        if (strings.matches()) {
          lexer.standardConformingStrings(strings.group(1).equalsIgnoreCase("on"));
        }
        phase = Phases.of(statement.tocComment(), normalized, phase);
        GuardDecision decision = guard.statement(statement.sql(), statement.line());
        boolean copy =
            normalized.regionMatches(true, 0, "COPY", 0, 4)
                && decision instanceof GuardDecision.Run;
        if (copy) {
          pendingCopy = statement.sql();
        } else {
          decide(decision, handler, statement.line(), phase);
        }
      } else if (item instanceof SqlLexer.CopyData data) {
        if (pendingCopy != null) {
          handler.tableData(tableOf(pendingCopy), SqlGuard.normalize(pendingCopy), data.data());
          pendingCopy = null;
        }
        Drain.all(data.data());
      }
    }
    if (!described) {
      handler.describe(
          new DumpDescription(DumpFormat.PLAIN, lexer.dumpedBy(), lexer.dumpedFrom(), null, null));
    }
  }

  static void decide(
      GuardDecision decision, DumpHandler handler, long line, DumpHandler.Phase phase)
      throws IOException {
    if (decision instanceof GuardDecision.Run run) {
      handler.statement(run.sql(), line, phase);
    } else if (decision instanceof GuardDecision.Skip skip) {
      if (skip.warning() != null) {
        handler.problem(skip.warning());
      }
    } else if (decision instanceof GuardDecision.Reject reject) {
      handler.problem(reject.problem());
    }
  }

  /** {@code public.accounts} from {@code COPY public.accounts (id, ...) FROM stdin;}. */
  static String tableOf(String copyStatement) {
    Matcher matcher = COPY_TABLE.matcher(SqlGuard.normalize(copyStatement));
    return matcher.find() ? matcher.group(1) : "?";
  }
}
