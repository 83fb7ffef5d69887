package social.fedimon.engine.dump;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * The database a dump is restored into, as {@code postgresql://user:pass@host:port/db} or {@code
 * jdbc:postgresql://...}. The password never appears in {@link #toString()}.
 */
public final class RestoreTarget {

  private final String jdbcUrl;
  private final @Nullable String user;
  private final @Nullable String password;
  private final String database;

  private RestoreTarget(
      String jdbcUrl, @Nullable String user, @Nullable String password, String database) {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
    this.database = database;
  }

  public static RestoreTarget parse(String url) {
    String text = url.strip();
    if (text.startsWith("jdbc:")) {
      text = text.substring(5);
    }
    URI uri;
    try {
      uri = URI.create(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the database URL is not a URL (postgresql://user:pass@host:5432/db)");
    }
    if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
      throw new IllegalArgumentException(
          "the database URL must start with postgresql:// or jdbc:postgresql://");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String database = decode(path.startsWith("/") ? path.substring(1) : path);
    if (database.isEmpty()) {
      throw new IllegalArgumentException(
          "the database URL names no database (postgresql://host/DATABASE)");
    }
    String host = uri.getHost() == null ? "localhost" : uri.getHost();
    String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    String user = null;
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String info = uri.getRawUserInfo();
      int colon = info.indexOf(':');
      user = decode(colon < 0 ? info : info.substring(0, colon));
      password = colon < 0 ? null : decode(info.substring(colon + 1));
    }
    return new RestoreTarget(
        "jdbc:postgresql://" + host + port + path + query, user, password, database);
  }

  /** A new connection, in autocommit, with a name that shows in pg_stat_activity. */
  public Connection connect(String purpose) throws SQLException {
    Properties properties = new Properties();
    if (user != null) {
      properties.setProperty("user", user);
    }
    if (password != null) {
      properties.setProperty("password", password);
    }
    properties.setProperty("ApplicationName", "fedimon restore: " + purpose);
    properties.setProperty("reWriteBatchedInserts", "true");
    // commits need not wait for the disk: the restore ends with one that does (RestoringHandler)
    properties.setProperty("options", "-c synchronous_commit=off");
    return DriverManager.getConnection(jdbcUrl, properties);
  }

  public String database() {
    return database;
  }

  @Override
  public String toString() {
    return jdbcUrl + (user == null ? "" : " as " + user);
  }

  private static String decode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
