package social.fedimon.engine.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import social.fedimon.engine.archive.ArchiveLimits;
import social.fedimon.engine.archive.Secrets;
import social.fedimon.engine.archive.Source;
import social.fedimon.engine.dump.DumpPolicy;
import social.fedimon.engine.dump.RestoreListener;
import social.fedimon.engine.dump.RestoreTarget;
import social.fedimon.engine.testing.FixtureDatabase;
import social.fedimon.engine.testing.MastodonDatabase;
import social.fedimon.engine.testing.Tools;

/**
 * Restores into a newer server: PostgreSQL 17 (zonky's binaries), which knows pg_dump 17's SETs.
 */
class NewerServerRestoreTest {

  @TempDir static Path dir;
  static EmbeddedPostgres postgres17;
  static String source;

  @BeforeAll
  static void start() throws IOException {
    postgres17 =
        EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(60)).start();
    source = MastodonDatabase.createSource();
    Tools.sh(dir, "pg_dump -h " + FixtureDatabase.HOST + " -U postgres -f plain.sql " + source);
    Tools.sh(
        dir, "pg_dump -h " + FixtureDatabase.HOST + " -U postgres -Fc -f custom.dump " + source);
    String plain = Files.readString(dir.resolve("plain.sql"));
    Files.writeString(
        dir.resolve("pg17.sql"),
        plain.replaceFirst(
            "SET statement_timeout = 0;",
            "SET statement_timeout = 0;\nSET transaction_timeout = 0;"));
  }

  @AfterAll
  static void stop() throws IOException {
    postgres17.close();
  }

  private String[] tenant() throws Exception {
    String suffix = Long.toHexString(System.nanoTime());
    String role = "tenant_" + suffix;
    String database = "restore_" + suffix;
    try (Connection c = postgres17.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE ROLE " + role + " LOGIN");
      s.execute(
          "CREATE DATABASE " + database + " OWNER " + role + " TEMPLATE template0 ENCODING 'UTF8'");
    }
    return new String[] {role, database};
  }

  private Report restore(String file, String[] tenant) {
    return new RestoreFlow(ArchiveLimits.DEFAULTS, DumpPolicy.DEFAULTS)
        .restore(
            Source.of(dir.resolve(file)),
            Secrets.none(),
            RestoreTarget.parse(
                "postgresql://"
                    + tenant[0]
                    + "@localhost:"
                    + postgres17.getPort()
                    + "/"
                    + tenant[1]),
            new RestoreFlow.Options(2, false),
            RestoreListener.NONE,
            b -> {});
  }

  @Test
  void restoresIntoPostgres17AndKeepsTheSettingsItKnows() throws Exception {
    String[] tenant = tenant();

    Report report = restore("pg17.sql", tenant);

    // a bare dump: no .env.production, and the database's attachments have no files beside it
    assertThat(report.problems())
        .extracting(Report.ProblemView::code)
        .containsExactlyInAnyOrder("no-env", "missing-media");
    assertThat(report.restored()).isNotNull();
    assertThat(checksums(tenant[1])).isEqualTo(MastodonDatabase.checksums(source));
  }

  @Test
  void restoresACustomArchiveIntoPostgres17() throws Exception {
    String[] tenant = tenant();

    Report report = restore("custom.dump", tenant);

    assertThat(report.restored()).isNotNull();
    assertThat(checksums(tenant[1])).isEqualTo(MastodonDatabase.checksums(source));
  }

  private Map<String, String> checksums(String database) throws Exception {
    Map<String, String> sums = new TreeMap<>();
    try (Connection c = postgres17.getDatabase("postgres", database).getConnection();
        Statement s = c.createStatement()) {
      java.util.List<String> tables = new java.util.ArrayList<>();
      try (ResultSet rs =
          s.executeQuery(
              "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String table : tables) {
        try (ResultSet rs =
            s.executeQuery(
                "SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '') FROM public."
                    + table
                    + " t")) {
          rs.next();
          sums.put(table, rs.getString(1));
        }
      }
    }
    return sums;
  }
}
