package social.fedimon.engine.dump;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the PostgreSQL server a dump is restored into understands: its version and its settings.
 *
 * @param majorVersion e.g. 15
 * @param version e.g. {@code 15.14}
 * @param settings names of the settings it knows
 */
public record TargetServer(int majorVersion, String version, Set<String> settings) {

  /** Settings pg_dump writes that older servers lack, and the release that added them. */
  static final Map<String, Integer> INTRODUCED_IN = Map.of("transaction_timeout", 17);

  /** The server FédiMon assumes when there is none to ask (inspect): the oldest it restores to. */
  public static final int ASSUMED_MAJOR = 15;

  /** A server of {@code majorVersion} with every setting pg_dump writes that it has. */
  public static TargetServer assumed(int majorVersion) {
    Set<String> settings = new HashSet<>(SqlGuard.DUMP_SETTINGS);
    INTRODUCED_IN.forEach(
        (name, since) -> {
          if (majorVersion < since) {
            settings.remove(name);
          }
        });
    return new TargetServer(majorVersion, Integer.toString(majorVersion), Set.copyOf(settings));
  }

  /** Asks the server behind {@code connection}. */
  public static TargetServer of(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      String version;
      int major;
      try (ResultSet rs = statement.executeQuery("SHOW server_version_num")) {
        rs.next();
        major = Integer.parseInt(rs.getString(1)) / 10000;
      }
      try (ResultSet rs = statement.executeQuery("SHOW server_version")) {
        rs.next();
        version = rs.getString(1).split(" ")[0];
      }
      Set<String> settings = new HashSet<>();
      try (ResultSet rs = statement.executeQuery("SELECT name FROM pg_settings")) {
        while (rs.next()) {
          settings.add(rs.getString(1));
        }
      }
      return new TargetServer(major, version, Set.copyOf(settings));
    }
  }

  public boolean knowsSetting(String name) {
    return settings.contains(name);
  }

  /** The PostgreSQL release whose pg_dump started writing {@code name}, for messages. */
  String settingIntroducedIn(String name) {
    Integer since = INTRODUCED_IN.get(name);
    return since == null ? "of another version" : since + " and later";
  }
}
