package social.fedimon.server.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

/**
 * The URLs of the console's own stylesheet and scripts, each with its content's digest ({@code
 * /css/fedimon.css?v=3f2a9c01b7}), so browsers may keep them for a year ({@code
 * spring.web.resources.cache.cachecontrol.max-age}) and still fetch a changed file at once: a
 * changed file has a new URL. Before, every page view fetched the stylesheet and three scripts
 * again, each a request that read the session from the database. The WebJars' URLs carry their
 * versions already. Templates: {@code th:href="${@assets.url('/css/fedimon.css')}"}.
 */
@Component("assets")
public class Assets {

  private final Map<String, String> urls = new ConcurrentHashMap<>();

  /** The versioned URL of a file under {@code static/}; a missing file is a template's bug. */
  public String url(String path) {
    return urls.computeIfAbsent(path, Assets::versioned);
  }

  private static String versioned(String path) {
    try {
      byte[] content = new ClassPathResource("static" + path).getContentAsByteArray();
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
      return path + "?v=" + HexFormat.of().formatHex(digest, 0, 5);
    } catch (IOException e) {
      throw new UncheckedIOException("no static file " + path, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
