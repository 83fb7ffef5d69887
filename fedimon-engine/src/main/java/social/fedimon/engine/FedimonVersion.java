package social.fedimon.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of FédiMon, as written by the build. */
public final class FedimonVersion {

  private FedimonVersion() {}

  /**
   * Returns the project version, e.g. {@code 0.1.0-SNAPSHOT}; read once (every console page shows
   * it, and reading a resource from the nested jar at each was a measurable part of a page).
   */
  public static String current() {
    return Read.VERSION;
  }

  private static final class Read {
    static final String VERSION = read();
  }

  private static String read() {
    try (InputStream in = FedimonVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
