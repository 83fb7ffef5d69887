package social.fedimon.engine.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A Mastodon-shaped database on the machine's PostgreSQL (see mastodon-schema.sql), and the checks
 * a restore is held to: every table's content (an ordered checksum), sequence values, indexes, and
 * who owns what.
 */
public final class MastodonDatabase {

  private MastodonDatabase() {}

  /** Creates and fills a new source database, returns its name. */
  public static String createSource() {
    String name = FixtureDatabase.create("fedimon_src");
    execute(name, resource("mastodon-schema.sql"));
    execute(name, resource("mastodon-data.sql"));
    return name;
  }

  /**
   * A tenant as the server will make one: a login role with no special powers, owning an empty
   * database.
   *
   * @return {user, database}
   */
  public static String[] createTenant() {
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    String role = "tenant_" + suffix;
    String database = "fedimon_dst_" + suffix;
    FixtureDatabase.execute(
        "postgres", "CREATE ROLE " + role + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE");
    FixtureDatabase.execute(
        "postgres",
        "CREATE DATABASE " + database + " OWNER " + role + " TEMPLATE template0 ENCODING 'UTF8'");
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  FixtureDatabase.drop(database);
                  try {
                    FixtureDatabase.execute("postgres", "DROP ROLE IF EXISTS " + role);
                  } catch (RuntimeException ignored) {
                    // best effort at exit
                  }
                }));
    return new String[] {role, database};
  }

  public static String url(String user, String database) {
    return "postgresql://"
        + user
        + "@"
        + FixtureDatabase.HOST
        + ":"
        + FixtureDatabase.PORT
        + "/"
        + database;
  }

  /** Table name -> md5 of its rows as text, ordered: equal maps mean equal content. */
  public static Map<String, String> checksums(String database) {
    try (Connection c = DriverManager.getConnection(FixtureDatabase.adminUrl(database))) {
      return checksums(c);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The same, over a connection to any server (an embedded cluster's, say). */
  public static Map<String, String> checksums(Connection c) throws SQLException {
    Map<String, String> sums = new TreeMap<>();
    try (Statement s = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs =
          s.executeQuery(
              "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String table : tables) {
        try (ResultSet rs =
            s.executeQuery(
                "SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '') FROM public."
                    + table
                    + " t")) {
          rs.next();
          sums.put(table, rs.getString(1));
        }
      }
    }
    return sums;
  }

  /** What else a restore must bring back: sequence values, indexes, triggers, views, functions. */
  public static Map<String, String> structure(String database) {
    Map<String, String> facts = new TreeMap<>();
    query(
        database,
        "SELECT 'seq ' || sequencename, coalesce(last_value::text, 'null') FROM pg_sequences WHERE schemaname = 'public'",
        facts);
    query(
        database,
        "SELECT 'index ' || indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
        facts);
    query(
        database,
        "SELECT 'trigger ' || tgname, tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal",
        facts);
    query(
        database,
        "SELECT 'constraint ' || conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace",
        facts);
    query(
        database,
        "SELECT 'view ' || viewname, definition FROM pg_views WHERE schemaname = 'public'",
        facts);
    query(
        database,
        "SELECT 'matview ' || matviewname, ispopulated::text FROM pg_matviews WHERE schemaname = 'public'",
        facts);
    query(
        database,
        "SELECT 'function ' || proname, md5(prosrc) FROM pg_proc WHERE pronamespace = 'public'::regnamespace",
        facts);
    query(
        database,
        "SELECT 'comment ' || c.relname, d.description FROM pg_description d JOIN pg_class c ON c.oid = d.objoid WHERE d.objsubid = 0",
        facts);
    return facts;
  }

  /** Owners of the public schema's tables, sequences, views and functions. */
  public static List<String> owners(String database) {
    Map<String, String> facts = new TreeMap<>();
    query(
        database,
        "SELECT DISTINCT pg_get_userbyid(relowner), '' FROM pg_class WHERE relnamespace = 'public'::regnamespace",
        facts);
    query(
        database,
        "SELECT DISTINCT pg_get_userbyid(proowner), '' FROM pg_proc WHERE pronamespace = 'public'::regnamespace",
        facts);
    return List.copyOf(facts.keySet());
  }

  private static void query(String database, String sql, Map<String, String> into) {
    try (Connection c = DriverManager.getConnection(FixtureDatabase.adminUrl(database));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        into.put(rs.getString(1), rs.getString(2));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void execute(String database, String sql) {
    try (Connection c = DriverManager.getConnection(FixtureDatabase.adminUrl(database));
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("fixture SQL failed: " + e.getMessage(), e);
    }
  }

  public static String resource(String name) {
    try (InputStream in = MastodonDatabase.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
