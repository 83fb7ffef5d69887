package social.fedimon.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import social.fedimon.engine.testing.FixtureDatabase;
import social.fedimon.engine.testing.InstanceTree;
import social.fedimon.engine.testing.Tools;

/** Backups as admins make them, by the real tools: tar, gzip, pg_dump. */
public final class Backups {

  private Backups() {}

  /**
   * The fixture instance (env, four media files) with a plain dump of {@code database}, as {@code
   * backup.tar.gz} in a new folder.
   */
  public static Path instanceArchive(String name, String database) {
    try {
      Path dir = Files.createTempDirectory(TestPaths.base(), name + "-");
      InstanceTree.create(dir);
      Files.delete(dir.resolve("database.sql.xz"));
      Tools.require("pg_dump", "gzip", "tar");
      Tools.sh(
          dir,
          "pg_dump -h "
              + FixtureDatabase.HOST
              + " -U "
              + FixtureDatabase.ADMIN_USER
              + " "
              + database
              + " | gzip > database.sql.gz && tar -czf backup.tar.gz live database.sql.gz");
      return dir.resolve("backup.tar.gz");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where tests keep their files: under target/. */
  static final class TestPaths {
    static Path base() throws IOException {
      return Files.createDirectories(Path.of("target", "test-backups").toAbsolutePath());
    }
  }
}
