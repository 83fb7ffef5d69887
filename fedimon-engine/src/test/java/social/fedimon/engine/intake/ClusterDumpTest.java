package social.fedimon.engine.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import social.fedimon.engine.dump.RestoreListener;
import social.fedimon.engine.testing.FixtureDatabase;
import social.fedimon.engine.testing.Inspections;
import social.fedimon.engine.testing.MastodonDatabase;
import social.fedimon.engine.testing.Tools;

/**
 * A cluster dump, as {@code docker compose exec db pg_dumpall -U postgres} makes one: recognized,
 * the database holding Mastodon's tables picked and restored through the guard, the cluster's
 * roles, settings and other databases left out with a warning that lists them. Made by pg_dumpall
 * against this machine's server, every other database excluded.
 */
class ClusterDumpTest {

  @TempDir static Path dir;
  static String mastodon;
  static String other;
  static String second;

  @BeforeAll
  static void dumps() throws Exception {
    Tools.require("pg_dumpall", "xz");
    mastodon = MastodonDatabase.createSource();
    other = FixtureDatabase.create("cluster_other");
    FixtureDatabase.execute(other, "CREATE TABLE notes (id int primary key, body text)");
    FixtureDatabase.execute(other, "INSERT INTO notes VALUES (1, 'not an instance')");
    FixtureDatabase.execute(
        "postgres",
        "DO $$ BEGIN CREATE ROLE cluster_dump_reader NOLOGIN; EXCEPTION WHEN duplicate_object"
            + " THEN NULL; END $$");
    FixtureDatabase.execute(
        "postgres", "ALTER ROLE cluster_dump_reader SET statement_timeout = '5min'");
    pgDumpall(Set.of(mastodon, other), "cluster.sql.xz");
    second = MastodonDatabase.createSource();
    pgDumpall(Set.of(mastodon, other, second), "two-instances.sql");
  }

  /** pg_dumpall of the server with only {@code keep} (and the templates, postgres) in it. */
  private static void pgDumpall(Set<String> keep, String file) throws Exception {
    List<String> excluded = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(FixtureDatabase.adminUrl("postgres"));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT datname FROM pg_database")) {
      while (rs.next()) {
        String name = rs.getString(1);
        if (!keep.contains(name) && !name.startsWith("template") && !name.equals("postgres")) {
          excluded.add("--exclude-database='" + name + "'");
        }
      }
    }
    String compress = file.endsWith(".xz") ? " | xz" : "";
    Tools.sh(
        dir,
        "pg_dumpall -h "
            + FixtureDatabase.HOST
            + " -U "
            + FixtureDatabase.ADMIN_USER
            + " "
            + String.join(" ", excluded)
            + compress
            + " > "
            + file);
  }

  @Test
  void aClusterDumpIsRecognizedAndItsMastodonDatabasePicked() throws Exception {
    assertThat(Files.readString(dir.resolve("two-instances.sql")))
        .startsWith("--\n-- PostgreSQL database cluster dump");

    Report report = Inspections.inspect(dir.resolve("cluster.sql.xz"));

    assertThat(report.verdict()).as("%s", report.problems()).isEqualTo("accepted");
    assertThat(Inspections.codes(report))
        .doesNotContain("privileged-sql", "shell-escape")
        .contains("cluster-dump");
    Report.ProblemView note =
        report.problems().stream().filter(p -> p.code().equals("cluster-dump")).findFirst().get();
    assertThat(note.severity()).isEqualTo("warning");
    assertThat(note.message())
        .contains("pg_dumpall")
        .contains("the database " + mastodon)
        .contains(other)
        .contains("cluster_dump_reader")
        .contains("settings");
    // the picked database's own rows and release, not the other database's
    assertThat(report.database().rowCounts()).containsKey("statuses").doesNotContainKey("notes");
    assertThat(report.database().mastodon().schemaVersion()).isNotNull();
  }

  @Test
  void twoInstancesInOneClusterDumpAreMultipleDatabases() {
    Report report = Inspections.inspect(dir.resolve("two-instances.sql"));

    assertThat(report.verdict()).isEqualTo("rejected");
    assertThat(report.problems())
        .anySatisfy(
            p -> {
              assertThat(p.code()).isEqualTo("multiple-databases");
              assertThat(p.message()).contains(mastodon).contains(second);
            });
  }

  @Test
  void theMastodonDatabaseOfAClusterDumpRestoresAsItWas() {
    String[] tenant = MastodonDatabase.createTenant();

    Report report =
        RestoreFailureTest.restore(
            dir.resolve("cluster.sql.xz"), tenant, false, RestoreListener.NONE);

    assertThat(report.restored()).as("%s", report.problems()).isNotNull();
    assertThat(MastodonDatabase.checksums(tenant[1]))
        .isEqualTo(MastodonDatabase.checksums(mastodon));
    assertThat(report.restored().rowCounts()).isEqualTo(report.database().rowCounts());
  }
}
