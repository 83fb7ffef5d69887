package social.fedimon.engine.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import social.fedimon.engine.dump.RestoreListener;
import social.fedimon.engine.testing.FixtureDatabase;
import social.fedimon.engine.testing.Inspections;
import social.fedimon.engine.testing.MastodonDatabase;
import social.fedimon.engine.testing.Tools;

/**
 * Dumps made with {@code --inserts}, {@code --column-inserts} and {@code --rows-per-insert} report
 * the same row counts, release and media as the COPY dump of the same database, and restore to the
 * same content, verified against those counts.
 */
class InsertDumpTest {

  @TempDir static Path dir;
  static String source;
  static Report copyReport;

  @BeforeAll
  static void dumps() {
    source = MastodonDatabase.createSource();
    String pgDump = "pg_dump -h " + FixtureDatabase.HOST + " -U postgres ";
    Tools.sh(dir, pgDump + "-f copy.sql " + source);
    Tools.sh(dir, pgDump + "--inserts -f inserts.sql " + source);
    Tools.sh(dir, pgDump + "--column-inserts -f column-inserts.sql " + source);
    Tools.sh(dir, pgDump + "--rows-per-insert=7 -f rows-per-insert.sql " + source);
    copyReport = Inspections.inspect(dir.resolve("copy.sql"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"inserts.sql", "column-inserts.sql", "rows-per-insert.sql"})
  void anInsertDumpReportsWhatItsCopyTwinReports(String file) {
    Report report = Inspections.inspect(dir.resolve(file));

    assertThat(report.verdict()).as("%s", report.problems()).isEqualTo("accepted");
    assertThat(copyReport.database().rowCounts()).isNotEmpty();
    assertThat(report.database().rowCounts()).isEqualTo(copyReport.database().rowCounts());
    assertThat(report.database().mastodon()).isEqualTo(copyReport.database().mastodon());
    assertThat(Inspections.codes(report)).isEqualTo(Inspections.codes(copyReport));
  }

  @ParameterizedTest
  @ValueSource(strings = {"inserts.sql", "column-inserts.sql", "rows-per-insert.sql"})
  void anInsertDumpRestoresAndIsVerifiedAgainstItsCounts(String file) {
    String[] tenant = MastodonDatabase.createTenant();

    Report report =
        RestoreFailureTest.restore(dir.resolve(file), tenant, false, RestoreListener.NONE);

    assertThat(report.restored()).as("%s", report.problems()).isNotNull();
    assertThat(report.restored().rowCounts()).isEqualTo(copyReport.database().rowCounts());
    assertThat(MastodonDatabase.checksums(tenant[1])).isEqualTo(MastodonDatabase.checksums(source));
  }
}
