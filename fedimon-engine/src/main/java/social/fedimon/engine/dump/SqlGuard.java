package social.fedimon.engine.dump;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import social.fedimon.engine.Printable;
import social.fedimon.engine.Problem;
import social.fedimon.engine.ProblemCode;

/**
 * Decides, statement by statement, what of a dump may run: an allow-list of what pg_dump writes for
 * an ordinary database. Ownership and privileges are dropped as {@code pg_restore --no-owner
 * --no-privileges} would; settings the target server does not know are dropped with a warning;
 * anything else (roles, ALTER SYSTEM, COPY to or from programs and files, untrusted languages,
 * LOAD, DO, extensions outside the allow-list, any psql meta-command but {@code &#92;restrict},
 * {@code &#92;unrestrict} and {@code &#92;connect} to the dump's own database) rejects the dump.
 */
public final class SqlGuard {

  /** Settings pg_dump writes at the top of a dump or of each object. */
  static final Set<String> DUMP_SETTINGS =
      Set.of(
          "statement_timeout",
          "lock_timeout",
          "idle_in_transaction_session_timeout",
          "transaction_timeout",
          "client_encoding",
          "standard_conforming_strings",
          "check_function_bodies",
          "xmloption",
          "client_min_messages",
          "row_security",
          "default_tablespace",
          "default_table_access_method",
          "default_with_oids",
          "search_path",
          "escape_string_warning",
          "synchronous_commit");

  /** Languages a function may be written in: trusted ones only. */
  static final Set<String> TRUSTED_LANGUAGES = Set.of("plpgsql", "sql");

  private static final Pattern SET =
      Pattern.compile(
          "(?is)^SET\\s+(?:SESSION\\s+|LOCAL\\s+)?(\"?[a-z_.]+\"?)\\s*(?:=|\\sTO\\s)\\s*(.*?);?\\s*$");
  private static final Pattern SET_CONFIG_SEARCH_PATH =
      Pattern.compile(
          "(?is)^SELECT\\s+pg_catalog\\.set_config\\('search_path',\\s*'[^']*',\\s*false\\);$");
  private static final Pattern SETVAL =
      Pattern.compile(
          "(?is)^SELECT\\s+pg_catalog\\.setval\\('(?:[^']++|'')++',\\s*-?\\d+,\\s*(?:true|false)\\);$");
  private static final Pattern LARGE_OBJECT =
      Pattern.compile(
          "(?is)^SELECT\\s+pg_catalog\\.(?:lo_create\\('\\d+'\\)|lo_open\\('\\d+',\\s*\\d+\\)|lowrite\\(0,\\s*'[^']*'\\)|lo_close\\(0\\));$");
  private static final Pattern COPY_FROM_STDIN =
      Pattern.compile("(?is)^COPY\\s+[^;]*?\\s+FROM\\s+stdin;$");
  private static final Pattern CREATE_EXTENSION =
      Pattern.compile(
          "(?is)^CREATE\\s+EXTENSION\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?\"?([a-z0-9_-]+)\"?.*");
  private static final Pattern LANGUAGE =
      Pattern.compile("(?is)\\bLANGUAGE\\s+(?:'([^']+)'|\"([^\"]+)\"|([a-z0-9_]+))");
  private static final Pattern CONNECT =
      Pattern.compile(
          "(?s)^\\\\(?:c|connect)\\s+(?:-reuse-previous=on\\s+)?(?:\"dbname='((?:[^']++|'')*+)'\"|(\\S+)).*");

  private final Set<String> allowedExtensions;
  private final TargetServer target;
  private @Nullable String ownDatabase;
  private final java.util.SortedSet<String> rolesReferenced = new java.util.TreeSet<>();
  private final java.util.SortedSet<String> extensions = new java.util.TreeSet<>();

  private static final Pattern OWNER_TO =
      Pattern.compile("(?is).*\\sOWNER\\s+TO\\s+(\"(?:[^\"]++|\"\")*+\"|[^\\s;]++);?$");

  /**
   * @param allowedExtensions extensions a dump may create (default: plpgsql)
   * @param target what the server restored into understands
   */
  public SqlGuard(Set<String> allowedExtensions, TargetServer target) {
    this.allowedExtensions = Set.copyOf(allowedExtensions);
    this.target = target;
  }

  /** Roles the dump names as owners (they need not exist: owners are dropped). */
  public java.util.SortedSet<String> rolesReferenced() {
    return java.util.Collections.unmodifiableSortedSet(rolesReferenced);
  }

  /** Extensions the dump creates. */
  public java.util.SortedSet<String> extensions() {
    return java.util.Collections.unmodifiableSortedSet(extensions);
  }

  /** Notes an owner named outside statements (a custom archive's TOC). */
  public void noteOwner(@Nullable String owner) {
    if (owner != null && !owner.isEmpty()) {
      rolesReferenced.add(owner);
    }
  }

  /** The database a {@code \connect} meta-command names, if {@code text} is one. */
  static java.util.Optional<String> connectTarget(String text) {
    Matcher connect = CONNECT.matcher(text);
    if (!connect.matches()) {
      return java.util.Optional.empty();
    }
    String database =
        connect.group(1) != null ? connect.group(1).replace("''", "'") : connect.group(2);
    return java.util.Optional.of(unquote(database));
  }

  /** Decides on a psql meta-command. */
  public GuardDecision metaCommand(String text, long line) {
    String command = text.split("\\s+", 2)[0];
    if (command.equals("\\restrict") || command.equals("\\unrestrict")) {
      return GuardDecision.SKIP;
    }
    Matcher connect = CONNECT.matcher(text);
    if (connect.matches()) {
      String database =
          connect.group(1) != null ? connect.group(1).replace("''", "'") : connect.group(2);
      if (ownDatabase != null && ownDatabase.equals(unquote(database))) {
        return GuardDecision.SKIP;
      }
    }
    return new GuardDecision.Reject(
        Problem.of(
            ProblemCode.SHELL_ESCAPE,
            "line "
                + line
                + ": the psql meta-command "
                + Printable.name(command)
                + " could run programs or touch files on the restoring machine; pg_dump never writes"
                + " it: the dump was edited, FédiMon refuses it"));
  }

  /** Decides on a statement; {@code line} is for messages. */
  public GuardDecision statement(String sql, long line) {
    String text = normalize(sql);
    List<String> words = firstWords(text, 6);
    if (words.isEmpty()) {
      return GuardDecision.SKIP;
    }
    String first = words.get(0);
    return switch (first) {
      case "SET" -> set(text, words, line);
      case "RESET" ->
          words.size() > 1 && (words.get(1).equals("ROLE") || words.get(1).equals("SESSION"))
              ? GuardDecision.SKIP
              : new GuardDecision.Run(sql);
      case "SELECT" -> select(sql, text, line);
      case "CREATE" -> create(sql, text, words, line);
      case "ALTER" -> alter(sql, text, words, line);
      case "COMMENT" ->
          words.size() > 2 && words.get(2).equals("EXTENSION")
              ? GuardDecision.SKIP
              : new GuardDecision.Run(sql);
      case "SECURITY" -> GuardDecision.SKIP;
      case "GRANT", "REVOKE" -> grant(text, line);
      case "COPY" ->
          COPY_FROM_STDIN.matcher(text).matches()
              ? new GuardDecision.Run(sql)
              : reject(line, "COPY to or from a program or a server file", text);
      case "INSERT", "REFRESH" -> new GuardDecision.Run(sql);
      case "DROP" -> drop(sql, words, line, text);
      case "BEGIN", "COMMIT", "START", "END" -> GuardDecision.SKIP;
      default -> reject(line, "a statement pg_dump does not write", text);
    };
  }

  private GuardDecision set(String text, List<String> words, long line) {
    if (words.size() > 1
        && (words.get(1).equals("ROLE")
            || (words.get(1).equals("SESSION")
                && words.size() > 2
                && words.get(2).equals("AUTHORIZATION")))) {
      if (words.get(1).equals("SESSION")) {
        return GuardDecision.SKIP; // pg_dump --use-set-session-authorization: owners are dropped
      }
      return reject(line, "SET ROLE, which would act as another role", text);
    }
    Matcher matcher = SET.matcher(text);
    if (!matcher.matches()) {
      return reject(line, "a SET statement pg_dump does not write", text);
    }
    String name = matcher.group(1).replace("\"", "").toLowerCase(Locale.ROOT);
    if (!DUMP_SETTINGS.contains(name)) {
      return reject(line, "SET " + name + ", a setting pg_dump does not write", text);
    }
    if (!target.knowsSetting(name)) {
      return new GuardDecision.Skip(
          Problem.of(
              ProblemCode.UNSUPPORTED_STATEMENT,
              "line "
                  + line
                  + ": SET "
                  + name
                  + " was left out: PostgreSQL "
                  + target.version()
                  + " does not know this setting (pg_dump "
                  + target.settingIntroducedIn(name)
                  + " writes it); it only matters while restoring"));
    }
    return new GuardDecision.Run(text.endsWith(";") ? text : text + ";");
  }

  private GuardDecision select(String sql, String text, long line) {
    if (SET_CONFIG_SEARCH_PATH.matcher(text).matches()
        || SETVAL.matcher(text).matches()
        || LARGE_OBJECT.matcher(text).matches()) {
      return new GuardDecision.Run(sql);
    }
    return reject(line, "a SELECT pg_dump does not write (only set_config, setval, lo_*)", text);
  }

  private GuardDecision create(String sql, String text, List<String> words, long line) {
    int i = 1;
    if (words.size() > 2 && words.get(1).equals("OR") && words.get(2).equals("REPLACE")) {
      i = 3;
    }
    String kind = words.size() > i ? words.get(i) : "";
    String next = words.size() > i + 1 ? words.get(i + 1) : "";
    switch (kind) {
      case "SCHEMA",
          "TABLE",
          "UNLOGGED",
          "SEQUENCE",
          "INDEX",
          "UNIQUE",
          "VIEW",
          "MATERIALIZED",
          "TYPE",
          "DOMAIN",
          "TRIGGER",
          "CONSTRAINT",
          "RULE",
          "POLICY",
          "STATISTICS",
          "AGGREGATE",
          "OPERATOR",
          "COLLATION",
          "CONVERSION",
          "TEXT",
          "CAST",
          "RECURSIVE",
          "TEMP",
          "TEMPORARY" -> {
        return new GuardDecision.Run(sql);
      }
      case "FUNCTION", "PROCEDURE" -> {
        return function(sql, line, text);
      }
      case "EXTENSION" -> {
        Matcher extension = CREATE_EXTENSION.matcher(text);
        String name = extension.matches() ? extension.group(1).toLowerCase(Locale.ROOT) : "?";
        extensions.add(name);
        if (allowedExtensions.contains(name)) {
          return new GuardDecision.Run(sql);
        }
        return new GuardDecision.Reject(
            Problem.of(
                ProblemCode.PRIVILEGED_SQL,
                "line "
                    + line
                    + ": the dump creates the extension "
                    + Printable.name(name)
                    + ", which is not on the allow-list ("
                    + String.join(", ", allowedExtensions.stream().sorted().toList())
                    + "); Mastodon needs none: drop it from the source database (DROP EXTENSION "
                    + Printable.name(name)
                    + ") and dump again"));
      }
      case "DATABASE" -> {
        ownDatabase = databaseName(words);
        return GuardDecision.SKIP; // pg_dump --create: we restore into the tenant's database
      }
      default -> {
        String what =
            switch (kind) {
              case "ROLE", "USER", "GROUP" ->
                  "CREATE " + kind + ", which would make a new login or role";
              case "LANGUAGE", "TRUSTED", "PROCEDURAL" -> "CREATE LANGUAGE";
              case "EVENT" -> "an event trigger";
              case "TABLESPACE" -> "CREATE TABLESPACE";
              case "SUBSCRIPTION", "PUBLICATION" -> "logical replication (CREATE " + kind + ")";
              case "SERVER", "FOREIGN", "USER MAPPING" -> "a foreign server or table";
              default -> "CREATE " + kind + " " + next;
            };
        return reject(line, what, text);
      }
    }
  }

  /**
   * Every LANGUAGE clause outside the function's dollar-quoted body must name a trusted language;
   * one inside a single-quoted body counts too (refusing an odd function is the safe mistake).
   */
  private GuardDecision function(String sql, long line, String text) {
    Matcher language = LANGUAGE.matcher(withoutDollarBodies(text));
    while (language.find()) {
      String name =
          firstNonNull(language.group(1), language.group(2), language.group(3))
              .toLowerCase(Locale.ROOT);
      if (!TRUSTED_LANGUAGES.contains(name)) {
        return reject(
            line,
            "a function in the language " + name + " (only plpgsql and sql are allowed)",
            text);
      }
    }
    return new GuardDecision.Run(sql);
  }

  private GuardDecision alter(String sql, String text, List<String> words, long line) {
    String kind = words.size() > 1 ? words.get(1) : "";
    Matcher owner = OWNER_TO.matcher(text);
    if (owner.matches()) {
      rolesReferenced.add(unquote(owner.group(1)));
      return GuardDecision.SKIP; // as pg_restore --no-owner
    }
    return switch (kind) {
      case "TABLE",
          "SEQUENCE",
          "INDEX",
          "VIEW",
          "MATERIALIZED",
          "TYPE",
          "DOMAIN",
          "FUNCTION",
          "PROCEDURE",
          "AGGREGATE",
          "SCHEMA",
          "TRIGGER",
          "STATISTICS",
          "TEXT",
          "OPERATOR",
          "COLLATION",
          "CONVERSION",
          "POLICY",
          "RULE",
          "FOREIGN" ->
          kind.equals("FOREIGN")
              ? reject(line, "ALTER FOREIGN ...", text)
              : new GuardDecision.Run(sql);
      case "DEFAULT" -> GuardDecision.SKIP; // ALTER DEFAULT PRIVILEGES: as --no-privileges
      case "LARGE" -> GuardDecision.SKIP;
      case "DATABASE" ->
          new GuardDecision.Skip(
              Problem.of(
                  ProblemCode.UNSUPPORTED_STATEMENT,
                  "line "
                      + line
                      + ": database-level settings (ALTER DATABASE) were left out: the"
                      + " hosted database has its own"));
      default -> reject(line, "ALTER " + kind, text);
    };
  }

  private GuardDecision grant(String text, long line) {
    // GRANT ... ON object TO ...: privileges on objects, dropped as --no-privileges.
    // GRANT role TO role (no ON): membership in a role, which would hand over its powers.
    if (text.matches("(?is)^(GRANT|REVOKE)\\s.*\\sON\\s.*")) {
      return GuardDecision.SKIP;
    }
    return reject(line, "granting a role's membership", text);
  }

  private GuardDecision drop(String sql, List<String> words, long line, String text) {
    String kind = words.size() > 1 ? words.get(1) : "";
    return switch (kind) {
      case "TABLE",
          "SEQUENCE",
          "INDEX",
          "VIEW",
          "MATERIALIZED",
          "TYPE",
          "DOMAIN",
          "FUNCTION",
          "PROCEDURE",
          "AGGREGATE",
          "SCHEMA",
          "TRIGGER",
          "STATISTICS",
          "TEXT",
          "OPERATOR",
          "COLLATION",
          "CONVERSION",
          "POLICY",
          "RULE",
          "CAST" ->
          new GuardDecision.Run(sql);
      case "EXTENSION" -> GuardDecision.SKIP;
      default -> reject(line, "DROP " + kind, text);
    };
  }

  private static GuardDecision reject(long line, String what, String text) {
    return new GuardDecision.Reject(
        Problem.of(
            ProblemCode.PRIVILEGED_SQL,
            "line "
                + line
                + ": "
                + what
                + " (\""
                + excerpt(text)
                + "\"): pg_dump does not write"
                + " this for an ordinary database, so the dump was edited or is not a plain pg_dump;"
                + " FédiMon refuses to run it"));
  }

  /** The statement without comments, whitespace collapsed outside quotes, trimmed. */
  static String normalize(String sql) {
    StringBuilder out = new StringBuilder(Math.min(sql.length(), 4096));
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        while (i < n && sql.charAt(i) != '\n') {
          i++;
        }
        out.append(' ');
        continue;
      }
      if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int depth = 0;
        do {
          if (sql.startsWith("/*", i)) {
            depth++;
            i += 2;
          } else if (sql.startsWith("*/", i)) {
            depth--;
            i += 2;
          } else {
            i++;
          }
        } while (depth > 0 && i < n);
        out.append(' ');
        continue;
      }
      out.append(Character.isWhitespace(c) ? ' ' : c);
      i++;
    }
    return out.toString().replaceAll(" {2,}", " ").strip();
  }

  /** The first words, upper-cased, stopping at anything that is not a bare word. */
  static List<String> firstWords(String text, int count) {
    List<String> words = new ArrayList<>();
    Matcher word = Pattern.compile("[A-Za-z_]+").matcher(text);
    int at = 0;
    while (words.size() < count && word.find(at) && word.start() == skipSpaces(text, at)) {
      words.add(word.group().toUpperCase(Locale.ROOT));
      at = word.end();
    }
    return words;
  }

  private static int skipSpaces(String text, int at) {
    while (at < text.length() && text.charAt(at) == ' ') {
      at++;
    }
    return at;
  }

  private static String withoutDollarBodies(String text) {
    return text.replaceAll("(?s)\\$([A-Za-z_][A-Za-z0-9_]*)?\\$.*?\\$\\1\\$", "\\$\\$");
  }

  private static @Nullable String databaseName(List<String> words) {
    return words.size() > 2 ? words.get(2).toLowerCase(Locale.ROOT) : null;
  }

  /** A name as written in SQL, its double quotes taken off. */
  static String unquoteName(String name) {
    return unquote(name);
  }

  private static String unquote(String name) {
    String trimmed = name.strip();
    if (trimmed.length() >= 2 && trimmed.startsWith("\"") && trimmed.endsWith("\"")) {
      return trimmed.substring(1, trimmed.length() - 1);
    }
    return trimmed.toLowerCase(Locale.ROOT);
  }

  private static String firstNonNull(@Nullable String... values) {
    for (String value : values) {
      if (value != null) {
        return value;
      }
    }
    return "";
  }

  private static String excerpt(String text) {
    String oneLine = text.length() > 80 ? text.substring(0, 80) + "…" : text;
    return Printable.name(oneLine);
  }
}
