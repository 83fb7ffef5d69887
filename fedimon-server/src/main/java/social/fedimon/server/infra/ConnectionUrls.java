package social.fedimon.server.infra;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Connection URLs as operators write them, turned into what drivers want, and made printable. */
public final class ConnectionUrls {

  private ConnectionUrls() {}

  /**
   * A JDBC URL and the credentials it carried.
   *
   * @param jdbcUrl {@code jdbc:postgresql://host:port/db?...} without user information
   * @param username the user from the URL, if any
   * @param password the password from the URL, if any
   */
  public record Jdbc(String jdbcUrl, Optional<String> username, Optional<String> password) {
    @Override
    public String toString() {
      return "Jdbc[" + jdbcUrl + ", username=" + username.orElse(null) + "]";
    }
  }

  /**
   * Accepts {@code postgresql://user:pass@host:port/db?params}, {@code postgres://...} and {@code
   * jdbc:postgresql://...}, and splits off user and password.
   */
  public static Jdbc postgres(String url) {
    String text = url.strip();
    if (text.startsWith("jdbc:")) {
      text = text.substring("jdbc:".length());
    }
    URI uri = URI.create(text);
    String scheme = uri.getScheme();
    if (!"postgresql".equals(scheme) && !"postgres".equals(scheme)) {
      throw new IllegalArgumentException(
          "a PostgreSQL URL starts with postgresql:// or jdbc:postgresql://, not " + scheme + ":");
    }
    String host = uri.getHost() == null ? "localhost" : uri.getHost();
    String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
    String path = uri.getRawPath() == null ? "/" : uri.getRawPath();
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    String jdbcUrl = "jdbc:postgresql://" + host + port + path + query;
    String userInfo = uri.getRawUserInfo();
    if (userInfo == null) {
      return new Jdbc(jdbcUrl, Optional.empty(), Optional.empty());
    }
    int colon = userInfo.indexOf(':');
    String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
    String password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
    return new Jdbc(jdbcUrl, Optional.of(user), Optional.ofNullable(password));
  }

  /** The URL with any password replaced by {@code ***}, for logs and pages. */
  public static String redact(@Nullable String url) {
    if (url == null) {
      return "";
    }
    return url.replaceAll("(?<=://)([^:/@]*):[^@/]*@", "$1:***@")
        .replaceAll("(?i)(password=)[^&]*", "$1***");
  }

  private static String decode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
