package social.fedimon.engine.dump;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a cluster dump holds besides its databases' own statements: roles, their settings,
 * tablespaces, and the statements that create databases. None of it is run into a tenant's
 * database; it is listed for the report.
 */
final class ClusterGlobals {
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
   * Whether {@code statement} belongs to the cluster rather than to a database (roles, role grants,
   * tablespaces, creating or altering databases), and is noted and left out. In the globals before
   * the first database, {@code SET}s are left out too.
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
