package social.fedimon.engine.dump;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
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
    Section section = new Section(handler);
    Cluster cluster = null;
    String pendingCopy = null;
    for (SqlLexer.Item item = lexer.next(); item != null; item = lexer.next()) {
      if (cluster == null && lexer.clusterDump()) {
        // pg_dumpall: its globals first, then each database after its \connect
        cluster = new Cluster();
        section = new Section(null);
      }
      if (item instanceof SqlLexer.MetaCommand meta) {
        java.util.Optional<String> database =
            cluster == null ? java.util.Optional.empty() : SqlGuard.connectTarget(meta.text());
        if (database.isPresent()) {
          cluster.databases.add(database.get());
          section = new Section(handler.database(database.get()).orElse(null));
          continue;
        }
        GuardDecision decision = guard.metaCommand(meta.text(), meta.line());
        // a shell escape anywhere refuses the whole file, whichever database it is in
        decide(decision, section.or(handler), meta.line(), section.phase);
      } else if (item instanceof SqlLexer.Statement statement) {
        String normalized = SqlGuard.normalize(statement.sql());
        Matcher strings = STANDARD_STRINGS.matcher(normalized);
        if (strings.matches()) {
          lexer.standardConformingStrings(strings.group(1).equalsIgnoreCase("on"));
        }
        if (cluster != null && cluster.leavesOut(normalized, section.handler == null)) {
          continue;
        }
        if (section.handler == null) {
          continue; // another database of a cluster dump: read past it
        }
        section.describe(lexer);
        section.phase = Phases.of(statement.tocComment(), normalized, section.phase);
        GuardDecision decision = guard.statement(statement.sql(), statement.line());
        boolean copy =
            normalized.regionMatches(true, 0, "COPY", 0, 4)
                && decision instanceof GuardDecision.Run;
        if (copy) {
          pendingCopy = statement.sql();
        } else {
          decide(decision, section.handler, statement.line(), section.phase);
        }
      } else if (item instanceof SqlLexer.CopyData data) {
        if (pendingCopy != null && section.handler != null) {
          section.handler.tableData(
              tableOf(pendingCopy), SqlGuard.normalize(pendingCopy), data.data());
        }
        pendingCopy = null;
        Drain.all(data.data());
      }
    }
    if (cluster != null) {
      handler.cluster(cluster.contents());
    } else {
      section.describe(lexer);
    }
  }

  /** The statements of one database: to its handler, or to none (read past). */
  private static final class Section {
    final @org.jspecify.annotations.Nullable DumpHandler handler;
    DumpHandler.Phase phase = DumpHandler.Phase.PRE_DATA;
    private boolean described;

    Section(@org.jspecify.annotations.Nullable DumpHandler handler) {
      this.handler = handler;
    }

    DumpHandler or(DumpHandler fallback) {
      return handler == null ? fallback : handler;
    }

    // pg_dump 17.6 writes \restrict before its version comments: describe at the first statement
    void describe(SqlLexer lexer) {
      if (!described && handler != null) {
        handler.describe(
            new DumpDescription(
                DumpFormat.PLAIN, lexer.dumpedBy(), lexer.dumpedFrom(), null, null));
        described = true;
      }
    }
  }

  /**
   * What a cluster dump holds besides its databases' own statements: roles, their settings,
   * tablespaces, and the statements that create databases. None of it is run into a tenant's
   * database; it is listed for the report.
   */
  private static final class Cluster {
    private static final Pattern CREATE_ROLE =
        Pattern.compile("(?is)^CREATE\\s+ROLE\\s+(\"(?:[^\"]|\"\")*\"|[^\\s;]+).*");
    private static final Pattern CREATE_TABLESPACE =
        Pattern.compile("(?is)^CREATE\\s+TABLESPACE\\s+(\"(?:[^\"]|\"\")*\"|[^\\s;]+).*");
    private static final Pattern SETTING =
        Pattern.compile("(?is)^ALTER\\s+(?:ROLE|DATABASE)\\s+.*\\sSET\\s+.*");
    private static final Pattern CLUSTER_LEVEL =
        Pattern.compile(
            "(?is)^(?:(?:CREATE|ALTER|DROP)\\s+(?:ROLE|DATABASE|TABLESPACE)|GRANT\\s+\\S+\\s+TO\\s|"
                + "COMMENT\\s+ON\\s+DATABASE|SECURITY\\s+LABEL\\s+ON\\s+DATABASE)\\b.*");

    final List<String> databases = new ArrayList<>();
    final List<String> roles = new ArrayList<>();
    final List<String> settings = new ArrayList<>();
    final List<String> tablespaces = new ArrayList<>();

    /**
     * Whether {@code statement} belongs to the cluster rather than to a database (roles, role
     * grants, tablespaces, creating or altering databases), and is noted and left out. In the
     * globals before the first database, {@code SET}s are left out too.
     */
    boolean leavesOut(String statement, boolean globals) {
      Matcher role = CREATE_ROLE.matcher(statement);
      if (role.matches()) {
        roles.add(SqlGuard.unquoteName(role.group(1)));
        return true;
      }
      Matcher tablespace = CREATE_TABLESPACE.matcher(statement);
      if (tablespace.matches()) {
        tablespaces.add(SqlGuard.unquoteName(tablespace.group(1)));
        return true;
      }
      if (SETTING.matcher(statement).matches()) {
        settings.add(statement.length() > 200 ? statement.substring(0, 200) + "..." : statement);
        return true;
      }
      if (CLUSTER_LEVEL.matcher(statement).matches()) {
        return true;
      }
      return globals && statement.regionMatches(true, 0, "SET ", 0, 4);
    }

    ClusterContents contents() {
      return new ClusterContents(databases, roles, settings, tablespaces);
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
