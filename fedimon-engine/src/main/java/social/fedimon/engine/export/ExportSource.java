package social.fedimon.engine.export;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * The database an export dumps, from {@code postgresql://user:pass@host:port/db} or {@code
 * jdbc:postgresql://...} (user and password also as {@code ?user=&password=}). The password never
 * appears in {@link #toString()}.
 */
public record ExportSource(
    String host, int port, String database, String user, @Nullable String password) {

  public static ExportSource parse(String url) {
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
      throw new IllegalArgumentException("the database URL names no database");
    }
    String user = null;
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String info = uri.getRawUserInfo();
      int colon = info.indexOf(':');
      user = decode(colon < 0 ? info : info.substring(0, colon));
      password = colon < 0 ? null : decode(info.substring(colon + 1));
    }
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        if (pair.startsWith("user=")) {
          user = decode(pair.substring(5));
        } else if (pair.startsWith("password=")) {
          password = decode(pair.substring(9));
        }
      }
    }
    return new ExportSource(
        uri.getHost() == null ? "localhost" : uri.getHost(),
        uri.getPort() < 0 ? 5432 : uri.getPort(),
        database,
        user == null ? System.getProperty("user.name") : user,
        password);
  }

  /** A connection for reading the server's version and the exact row counts. */
  public Connection connect() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    if (password != null) {
      properties.setProperty("password", password);
    }
    properties.setProperty("ApplicationName", "fedimon export");
    properties.setProperty("readOnly", "true");
    return DriverManager.getConnection(
        "jdbc:postgresql://" + host + ":" + port + "/" + database, properties);
  }

  @Override
  public String toString() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
  }

  private static String decode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
