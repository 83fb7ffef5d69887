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
  // the name after these is read by hand: a regular expression's loop over a quoted name's
  // characters recursed once per character, and a long one overflowed the stack (a fuzzer found it)
  private static final Pattern CREATE_ROLE = Pattern.compile("(?is)^CREATE\\s+ROLE\\s+");
  private static final Pattern CREATE_TABLESPACE =
      Pattern.compile("(?is)^CREATE\\s+TABLESPACE\\s+");
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
    String role = nameAfter(CREATE_ROLE, statement);
    if (role != null) {
      roles.add(SqlGuard.unquoteName(role));
      return true;
    }
    String tablespace = nameAfter(CREATE_TABLESPACE, statement);
    if (tablespace != null) {
      tablespaces.add(SqlGuard.unquoteName(tablespace));
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

  /** The name after what {@code prefix} matches at the start of {@code statement}, or null. */
  private static @org.jspecify.annotations.Nullable String nameAfter(
      Pattern prefix, String statement) {
    Matcher matcher = prefix.matcher(statement);
    return matcher.lookingAt() ? name(statement, matcher.end()) : null;
  }

  /**
   * The name at {@code from}: a quoted identifier (its doubled quotes kept, as written) or a run of
   * characters up to white space or a semicolon; null when there is none.
   */
  static @org.jspecify.annotations.Nullable String name(String statement, int from) {
    if (from >= statement.length()) {
      return null;
    }
    if (statement.charAt(from) == '"') {
      int i = from + 1;
      while (i < statement.length()) {
        if (statement.charAt(i) == '"') {
          if (i + 1 < statement.length() && statement.charAt(i + 1) == '"') {
            i += 2;
            continue;
          }
          return statement.substring(from, i + 1);
        }
        i++;
      }
      // no closing quote: as the expression did, the name is what is not white space
    }
    int end = from;
    while (end < statement.length()
        && !Character.isWhitespace(statement.charAt(end))
        && statement.charAt(end) != ';') {
      end++;
    }
    return end > from ? statement.substring(from, end) : null;
  }

  ClusterContents contents() {
    return new ClusterContents(databases, roles, settings, tablespaces);
  }
}
