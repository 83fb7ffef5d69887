package social.fedimon.engine.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Small databases on the machine's PostgreSQL (127.0.0.1:5432, trust authentication) for pg_dump to
 * dump; dropped when the test JVM exits.
 */
public final class FixtureDatabase {

  public static final String HOST = "127.0.0.1";
  public static final int PORT = 5432;
  public static final String ADMIN_USER = "postgres";

  private FixtureDatabase() {}

  public static String adminUrl(String database) {
    return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + database + "?user=" + ADMIN_USER;
  }

  /** Creates an empty database with a fresh name and returns the name. */
  public static String create(String prefix) {
    String name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    execute("postgres", "CREATE DATABASE " + name + " TEMPLATE template0 ENCODING 'UTF8'");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> drop(name)));
    return name;
  }

  public static void drop(String name) {
    try {
      execute("postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (RuntimeException e) {
      // best effort at exit
    }
  }

  public static void execute(String database, String sql) {
    try (Connection connection = DriverManager.getConnection(adminUrl(database));
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed on " + database + ": " + e.getMessage(), e);
    }
  }
}
