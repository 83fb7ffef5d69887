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

  /**
   * A source database with Mastodon's tables and one big table besides (about 200 MB of rows), so
   * that its restore lasts seconds: long enough to cancel it or kill the node running it.
   */
  public static String bigSource() {
    String name = social.fedimon.engine.testing.MastodonDatabase.createSource();
    FixtureDatabase.execute(
        name,
        "CREATE TABLE big_payload (id bigint PRIMARY KEY, body text NOT NULL);"
            + " INSERT INTO big_payload SELECT g, md5(g::text) || repeat('x', 60)"
            + " FROM generate_series(1, "
            + BIG_ROWS
            + ") g");
    return name;
  }

  /** Rows of {@link #bigSource()}'s big table. */
  public static final long BIG_ROWS = 2_000_000;

  /** Where tests keep their files: under target/. */
  static final class TestPaths {
    static Path base() throws IOException {
      return Files.createDirectories(Path.of("target", "test-backups").toAbsolutePath());
    }
  }
}
