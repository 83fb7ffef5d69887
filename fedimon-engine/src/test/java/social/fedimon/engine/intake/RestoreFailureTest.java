package social.fedimon.engine.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
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
 * A restore that stops never reports success, says where it stopped and why, and takes back what it
 * wrote: the target is empty again, and a restore without {@code --clean} starts on it.
 */
class RestoreFailureTest {

  @TempDir static Path dir;
  static String source;

  @BeforeAll
  static void dump() {
    source = MastodonDatabase.createSource();
    Tools.sh(dir, "pg_dump -h " + FixtureDatabase.HOST + " -U postgres -f plain.sql " + source);
    Tools.sh(
        dir, "pg_dump -h " + FixtureDatabase.HOST + " -U postgres -Fc -f custom.dump " + source);
  }

  @Test
  void aDamagedDataBlockFailsTheRestoreAndLeavesNothingBehind() throws Exception {
    // the first pass of a restore does not decompress a custom dump's data: damage inside it is
    // met while loading, and must still end in a failure, never in a half-restored success
    byte[] bytes = Files.readAllBytes(dir.resolve("custom.dump"));
    for (int at = bytes.length * 6 / 10; at < bytes.length * 6 / 10 + 64; at++) {
      bytes[at] ^= (byte) 0x5A;
    }
    Path damaged = Files.write(dir.resolve("damaged.dump"), bytes);
    String[] tenant = MastodonDatabase.createTenant();

    Report failed = restore(damaged, tenant, false, RestoreListener.NONE);

    assertThat(failed.restored()).isNull();
    assertThat(failed.verdict()).isEqualTo("rejected");
    assertThat(failed.problems())
        .extracting(Report.ProblemView::code)
        .containsAnyOf("restore-failed", "corrupt");

    Report again = restore(dir.resolve("custom.dump"), tenant, true, RestoreListener.NONE);
    assertThat(again.restored()).isNotNull();
    assertThat(MastodonDatabase.checksums(tenant[1])).isEqualTo(MastodonDatabase.checksums(source));
  }

  static Report restore(Path file, String[] tenant, boolean clean, RestoreListener listener) {
    return new RestoreFlow(ArchiveLimits.DEFAULTS, DumpPolicy.DEFAULTS)
        .restore(
            Source.of(file),
            Secrets.none(),
            RestoreTarget.parse(MastodonDatabase.url(tenant[0], tenant[1])),
            new RestoreFlow.Options(2, clean),
            listener,
            b -> {});
  }

  @Test
  void saysWhichPhaseAndStatementFailedWithTheServersMessage() throws Exception {
    // a unique index the data breaks: the kind of failure glibc collation changes cause
    String plain = Files.readString(dir.resolve("plain.sql"));
    String broken =
        plain.replace(
            "CREATE UNIQUE INDEX index_tags_on_name_lower_btree",
            "CREATE UNIQUE INDEX broken_unique ON public.statuses USING btree (visibility);\n\n"
                + "CREATE UNIQUE INDEX index_tags_on_name_lower_btree");
    Path file = Files.writeString(dir.resolve("broken.sql"), broken);
    String[] tenant = MastodonDatabase.createTenant();

    Report failed = restore(file, tenant, false, RestoreListener.NONE);

    assertThat(failed.restored()).isNull();
    assertThat(failed.verdict()).isEqualTo("rejected");
    assertThat(failed.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.code()).isEqualTo("restore-failed");
              assertThat(p.message())
                  .contains("post-data")
                  .contains("broken_unique")
                  .contains("could not create unique index");
            });

    Report again = restore(dir.resolve("plain.sql"), tenant, true, RestoreListener.NONE);
    assertThat(again.restored()).isNotNull();
    assertThat(MastodonDatabase.checksums(tenant[1])).isEqualTo(MastodonDatabase.checksums(source));
  }

  @Test
  void aLostConnectionFailsTheRestoreAndLeavesNothingBehind() {
    String[] tenant = MastodonDatabase.createTenant();
    RestoreListener cutTheLine =
        new RestoreListener() {
          @Override
          public void phase(String phase) {
            if (phase.equals("data")) {
              terminateConnectionsOf(tenant[0]);
            }
          }
        };

    Report failed = restore(dir.resolve("plain.sql"), tenant, false, cutTheLine);

    assertThat(failed.restored()).isNull();
    assertThat(failed.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.code()).isEqualTo("restore-failed");
              assertThat(p.message())
                  .contains("nothing of it was kept: the database is empty again");
            });

    Report again = restore(dir.resolve("plain.sql"), tenant, false, RestoreListener.NONE);
    assertThat(again.restored())
        .as("the failed restore left nothing: no --clean needed")
        .isNotNull();
    assertThat(MastodonDatabase.checksums(tenant[1])).isEqualTo(MastodonDatabase.checksums(source));
  }

  private static void terminateConnectionsOf(String role) {
    try (Connection c = DriverManager.getConnection(FixtureDatabase.adminUrl("postgres"));
        Statement s = c.createStatement()) {
      s.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role + "'");
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
