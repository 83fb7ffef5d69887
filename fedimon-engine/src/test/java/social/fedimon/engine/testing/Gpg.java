package social.fedimon.engine.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/** gpg as tests drive it: a private home, and a key to encrypt to. */
public final class Gpg {

  /** The key {@link #homeWithAdminKey} makes. */
  public static final String ADMIN = "admin@example.social";

  private Gpg() {}

  /**
   * A GnuPG home of its own holding an unprotected key for {@value #ADMIN}, whose secret key is
   * exported to {@code dir/admin.key}. The home is a fresh directory under the system's temporary
   * directory, not under {@code dir}: gpg-agent's socket lives in it, and a socket's path has at
   * most 107 bytes (a checkout under a longer path, as CI's, made the agent fail to start).
   *
   * @return the environment gpg runs with to use that home
   */
  public static Map<String, String> homeWithAdminKey(Path dir) {
    Tools.require("gpg");
    try {
      Path home =
          Files.createTempDirectory(
              "gnupg",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Map<String, String> gpg = Map.of("GNUPGHOME", home.toString());
      Tools.sh(
          dir,
          gpg,
          "gpg -q --batch --passphrase '' --quick-gen-key 'Admin <"
              + ADMIN
              + ">' default default never && gpg -q --batch --export-secret-keys "
              + ADMIN
              + " > admin.key");
      return gpg;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
