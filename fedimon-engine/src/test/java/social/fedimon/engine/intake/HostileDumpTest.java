package social.fedimon.engine.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import social.fedimon.engine.archive.ArchiveLimits;
import social.fedimon.engine.archive.Secrets;
import social.fedimon.engine.archive.Source;
import social.fedimon.engine.dump.DumpPolicy;
import social.fedimon.engine.dump.RestoreListener;
import social.fedimon.engine.dump.RestoreTarget;
import social.fedimon.engine.dump.TargetDatabase;
import social.fedimon.engine.testing.FixtureDatabase;
import social.fedimon.engine.testing.Inspections;
import social.fedimon.engine.testing.MastodonDatabase;
import social.fedimon.engine.testing.Tools;

/**
 * Real pg_dump output with something hostile slipped in. Escapes hidden in strings, dollar quotes
 * or COPY data are data and must pass; the same at a line start must reject the dump before a
 * single statement runs, and whatever the escape would have made must not exist.
 */
class HostileDumpTest {

  @TempDir static Path dir;
  static String plain;

  @BeforeAll
  static void dump() throws Exception {
    String source = FixtureDatabase.create("fedimon_hostile");
    FixtureDatabase.execute(
        source,
        "CREATE TABLE notes (id int PRIMARY KEY, body text);"
            + "INSERT INTO notes VALUES (1, E'\\\\! touch /tmp/not-an-escape'), (2, 'COPY x FROM PROGRAM ''id''');");
    Tools.sh(
        dir, "pg_dump -h " + FixtureDatabase.HOST + " -U postgres " + source + " -f plain.sql");
    plain = Files.readString(dir.resolve("plain.sql"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = "=>",
      value = {
        "shell escape at a line start=>\\! touch PWNED=>shell-escape",
        "query output piped to a shell=>SELECT 1 \\g | touch PWNED=>shell-escape",
        "output redirected to a program=>\\o | touch PWNED=>shell-escape",
        "client-side copy from a program=>\\copy notes from program 'touch PWNED'=>shell-escape",
        "server-side copy from a program=>COPY public.notes FROM PROGRAM 'touch PWNED';=>privileged-sql",
        "a new superuser=>CREATE ROLE evil SUPERUSER LOGIN;=>privileged-sql",
        "an untrusted language=>CREATE FUNCTION public.pwn() RETURNS void LANGUAGE plpython3u AS $$ open('PWNED','w') $$;=>privileged-sql",
        "a DO block=>DO $$ BEGIN PERFORM 1; END $$;=>privileged-sql",
        "ALTER SYSTEM=>ALTER SYSTEM SET archive_command = 'touch PWNED';=>privileged-sql"
      })
  void rejectsTheDumpBeforeAnythingRuns(String what, String injected, String code)
      throws Exception {
    Path pwned = dir.resolve("pwned-" + UUID.randomUUID());
    String line = injected.replace("PWNED", pwned.toString());
    // after the table is created and before its data: the guard must see it before anything runs
    String hostile =
        plain.replaceFirst(
            "(?m)^COPY public\\.notes",
            java.util.regex.Matcher.quoteReplacement(line) + "\nCOPY public.notes");
    Path file = Files.writeString(dir.resolve("hostile-" + UUID.randomUUID() + ".sql"), hostile);

    Report inspected = Inspections.inspect(file);
    assertThat(inspected.verdict()).isEqualTo("rejected");
    assertThat(inspected.problems())
        .extracting(Report.ProblemView::code)
        .filteredOn(c -> !c.equals("no-env"))
        .containsExactly(code);

    String[] tenant = MastodonDatabase.createTenant();
    Report restored =
        new RestoreFlow(ArchiveLimits.DEFAULTS, DumpPolicy.DEFAULTS)
            .restore(
                Source.of(file),
                Secrets.none(),
                RestoreTarget.parse(MastodonDatabase.url(tenant[0], tenant[1])),
                new RestoreFlow.Options(2, false),
                RestoreListener.NONE,
                b -> {});
    assertThat(restored.restored()).isNull();
    assertThat(restored.verdict()).isEqualTo("rejected");
    try (var connection =
        RestoreTarget.parse(MastodonDatabase.url(tenant[0], tenant[1])).connect("check")) {
      assertThat(TargetDatabase.userObjects(connection)).as("nothing ran").isZero();
    }
    assertThat(pwned).doesNotExist();
  }

  @org.junit.jupiter.api.Test
  void escapesInsideDataAreData() {
    Report report = Inspections.inspect(dir.resolve("plain.sql"));

    assertThat(report.problems()).extracting(Report.ProblemView::code).containsOnly("no-env");
    assertThat(report.database().rowCounts()).containsEntry("notes", 2L);
  }
}
