package social.fedimon.engine.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
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
 * Restores of a Mastodon-shaped database dumped by the real pg_dump in every format, into a fresh
 * database owned by a tenant role: every table equal to the source's, sequences, indexes,
 * constraints, triggers and views back, and everything owned by the tenant.
 */
class RestoreTest {

  @TempDir static Path dir;
  static String source;
  static String pgDump;
  static Map<String, String> sourceChecksums;
  static Map<String, String> sourceStructure;

  @BeforeAll
  static void dumpTheSource() throws Exception {
    Tools.require("pg_dump", "tar", "zstd", "xz");
    source = MastodonDatabase.createSource();
    sourceChecksums = MastodonDatabase.checksums(source);
    sourceStructure = MastodonDatabase.structure(source);
    pgDump =
        "pg_dump -h " + FixtureDatabase.HOST + " -U " + FixtureDatabase.ADMIN_USER + " " + source;
    Tools.sh(dir, pgDump + " -f plain.sql");
    Tools.sh(dir, pgDump + " --no-owner -f no-owner.sql");
    Tools.sh(dir, pgDump + " -Fc -f custom.dump");
    Tools.sh(dir, pgDump + " -Fc -Z0 -f custom-z0.dump");
    Tools.sh(dir, pgDump + " -Ft -f tar-format.tar");
    Tools.sh(
        dir,
        "mkdir dirfmt && " + pgDump + " -Fd -f dirfmt/db && tar -cf directory.tar -C dirfmt db");
    Tools.sh(
        dir,
        "xz -k plain.sql && mkdir live && cp plain.sql.xz live/database.sql.xz"
            + " && tar -cf - live | zstd -q > instance.tar.zst");
    // what pg_dump 17.6 writes: new header comments, \restrict around the script, and
    // SET transaction_timeout, which PostgreSQL 15 does not know
    String plain = Files.readString(dir.resolve("plain.sql"));
    String seventeen =
        plain
            .replaceFirst(
                "-- Dumped from database version [^\\n]*", "-- Dumped from database version 17.6")
            .replaceFirst(
                "-- Dumped by pg_dump version [^\\n]*", "-- Dumped by pg_dump version 17.6")
            .replaceFirst(
                "SET statement_timeout = 0;",
                "SET statement_timeout = 0;\nSET transaction_timeout = 0;")
            .replaceAll("(?m)^\\\\restrict .*\\n", "")
            .replaceAll("(?m)^\\\\unrestrict .*\\n", "");
    seventeen =
        seventeen.replaceFirst(
                "--\\n-- PostgreSQL database dump\\n--\\n",
                "--\n-- PostgreSQL database dump\n--\n\n\\\\restrict Xq3vYc8Tn0AbCdEf\n")
            + "\n\\unrestrict Xq3vYc8Tn0AbCdEf\n";
    Files.writeString(dir.resolve("pg17.sql"), seventeen);
  }

  static Report restore(String archive, boolean clean) {
    String[] tenant = MastodonDatabase.createTenant();
    return restoreInto(archive, tenant, clean);
  }

  static Report restoreInto(String archive, String[] tenant, boolean clean) {
    return new RestoreFlow(ArchiveLimits.DEFAULTS, DumpPolicy.DEFAULTS)
        .restore(
            Source.of(dir.resolve(archive)),
            Secrets.none(),
            RestoreTarget.parse(MastodonDatabase.url(tenant[0], tenant[1])),
            new RestoreFlow.Options(2, clean),
            RestoreListener.NONE,
            bytes -> {});
  }

  static Stream<Arguments> dumps() {
    return Stream.of(
        Arguments.of("plain.sql", "plain", List.of()),
        Arguments.of("no-owner.sql", "plain", List.of()),
        Arguments.of("custom.dump", "custom", List.of()),
        Arguments.of("custom-z0.dump", "custom", List.of()),
        Arguments.of("tar-format.tar", "tar", List.of("tar")),
        Arguments.of("directory.tar", "directory", List.of("tar")),
        Arguments.of("instance.tar.zst", "plain", List.of("zstd", "tar")),
        Arguments.of("pg17.sql", "plain", List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dumps")
  void restoresEveryTableByteForByte(String archive, String format, List<String> layers) {
    String[] tenant = MastodonDatabase.createTenant();

    Report report = restoreInto(archive, tenant, false);

    assertThat(report.problems())
        .allSatisfy(p -> assertThat(p.severity()).as(p.message()).isEqualTo("warning"));
    assertThat(report.verdict()).isEqualTo("accepted");
    assertThat(report.layers()).isEqualTo(layers);
    assertThat(report.database().format()).isEqualTo(format);
    assertThat(report.restored()).isNotNull();
    assertThat(report.restored().rowCounts())
        .containsEntry("statuses", 2400L)
        .containsEntry("accounts", 240L);
    assertThat(MastodonDatabase.checksums(tenant[1])).isEqualTo(sourceChecksums);
    assertThat(MastodonDatabase.structure(tenant[1])).isEqualTo(sourceStructure);
    assertThat(MastodonDatabase.owners(tenant[1])).containsExactly(tenant[0]);
    // the restore counts rows and media as it loads them: its report says what inspect says
    Report inspected =
        new Inspector(ArchiveLimits.DEFAULTS)
            .inspect(Source.of(dir.resolve(archive)), Secrets.none(), bytes -> {});
    assertThat(report.database().rowCounts()).isEqualTo(inspected.database().rowCounts());
    assertThat(report.restored().rowCounts()).isEqualTo(inspected.database().rowCounts());
    // (inspect does not know the target server; restore names its exact version in warnings)
    assertThat(report.problems())
        .extracting(Report.ProblemView::code)
        .isEqualTo(inspected.problems().stream().map(Report.ProblemView::code).toList());
    assertThat(report.problems())
        .filteredOn(p -> p.code().equals("missing-media"))
        .isEqualTo(
            inspected.problems().stream().filter(p -> p.code().equals("missing-media")).toList());
    assertThat(report.media()).isEqualTo(inspected.media());
  }

  @Test
  void buildsATablesIndexesWhileOtherTablesStillLoad() {
    String[] tenant = MastodonDatabase.createTenant();
    List<String> events = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    RestoreListener listener =
        new RestoreListener() {
          @Override
          public void phase(String phase) {
            events.add("phase " + phase);
          }

          @Override
          public void statementDone(int done, int total) {
            events.add("statement");
          }
        };

    Report report =
        new RestoreFlow(ArchiveLimits.DEFAULTS, DumpPolicy.DEFAULTS)
            .restore(
                Source.of(dir.resolve("custom.dump")),
                Secrets.none(),
                RestoreTarget.parse(MastodonDatabase.url(tenant[0], tenant[1])),
                new RestoreFlow.Options(2, false),
                listener,
                bytes -> {});

    assertThat(report.restored()).isNotNull();
    assertThat(events.subList(0, events.indexOf("phase post-data"))).contains("statement");
    assertThat(MastodonDatabase.structure(tenant[1])).isEqualTo(sourceStructure);
  }

  @Test
  void warnsThatPg17SettingsWereLeftOutOnPostgres15() {
    Report report = restore("pg17.sql", false);

    assertThat(report.problems())
        .extracting(Report.ProblemView::code)
        .containsExactlyInAnyOrder("unsupported-statement", "no-env", "missing-media");
    assertThat(report.restored()).isNotNull();
    assertThat(report.problems())
        .filteredOn(p -> p.code().equals("unsupported-statement"))
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("transaction_timeout"));
    assertThat(report.database().dumpedBy()).isEqualTo("17.6");
    assertThat(report.database().dumpedFrom()).isEqualTo("17.6");
  }

  @Test
  void refusesANonEmptyDatabaseUnlessToldToClean() {
    String[] tenant = MastodonDatabase.createTenant();
    assertThat(restoreInto("custom.dump", tenant, false).restored()).isNotNull();

    Report again = restoreInto("custom.dump", tenant, false);
    assertThat(again.restored()).isNull();
    assertThat(again.problems())
        .extracting(Report.ProblemView::code)
        .containsExactly("target-refused");
    assertThat(again.problems().get(0).message()).contains("--clean");

    Report cleaned = restoreInto("plain.sql", tenant, true);
    assertThat(cleaned.restored()).isNotNull();
    assertThat(MastodonDatabase.checksums(tenant[1])).isEqualTo(sourceChecksums);
  }

  @Test
  void refusesToRestoreAsASuperuser() {
    String database = FixtureDatabase.create("fedimon_su");

    Report report =
        new RestoreFlow(ArchiveLimits.DEFAULTS, DumpPolicy.DEFAULTS)
            .restore(
                Source.of(dir.resolve("plain.sql")),
                Secrets.none(),
                RestoreTarget.parse(MastodonDatabase.url(FixtureDatabase.ADMIN_USER, database)),
                new RestoreFlow.Options(2, false),
                RestoreListener.NONE,
                bytes -> {});

    assertThat(report.restored()).isNull();
    assertThat(report.problems().get(0).message()).contains("SUPERUSER");
  }

  @Test
  void inspectReportsVersionsRowCountsAndTheNewestMigration() {
    Report report = social.fedimon.engine.testing.Inspections.inspect(dir.resolve("custom.dump"));

    assertThat(report.database().dumpedBy()).matches("\\d+\\.\\d+.*");
    assertThat(report.database().dumpedFrom()).matches("\\d+\\.\\d+.*");
    assertThat(report.database().compression()).isEqualTo("gzip");
    assertThat(report.database().mastodon().schemaVersion()).isEqualTo("20241007071624");
    assertThat(report.database().rowCounts())
        .containsEntry("statuses", 2400L)
        .containsEntry("schema_migrations", 13L)
        .containsEntry("accounts", 240L);
  }
}
