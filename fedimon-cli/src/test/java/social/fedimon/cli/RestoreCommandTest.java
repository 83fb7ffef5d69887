package social.fedimon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import social.fedimon.engine.testing.FixtureDatabase;
import social.fedimon.engine.testing.MastodonDatabase;
import social.fedimon.engine.testing.Tools;

/** {@code fedimon restore} as an operator runs it. */
class RestoreCommandTest {

  @TempDir static Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void dump() {
    String source = MastodonDatabase.createSource();
    Tools.sh(dir, "pg_dump -h " + FixtureDatabase.HOST + " -U postgres -Fc -f db.dump " + source);
  }

  private int run(String... args) {
    return Fedimon.commandLine(new PrintWriter(out, true), new PrintWriter(err, true), args)
        .execute(args);
  }

  @Test
  void restoresAndReportsWhatItRestoredAsJson() throws Exception {
    String[] tenant = MastodonDatabase.createTenant();

    int status =
        run(
            "restore",
            dir.resolve("db.dump").toString(),
            "--database-url",
            "jdbc:" + MastodonDatabase.url(tenant[0], tenant[1]),
            "--jobs",
            "3",
            "--format",
            "json");

    assertThat(status).as(out.toString()).isEqualTo(0);
    JsonNode report = new ObjectMapper().readTree(out.toString());
    assertThat(report.at("/restored/database").asText()).isEqualTo(tenant[1]);
    assertThat(report.at("/restored/rowCounts/statuses").asLong()).isEqualTo(2400);
    assertThat(report.at("/database/rowCounts/statuses").asLong()).isEqualTo(2400);
  }

  @Test
  void aDatabaseThatIsNotEmptyIsRefusedWithExitOne() {
    String[] tenant = MastodonDatabase.createTenant();
    String url = MastodonDatabase.url(tenant[0], tenant[1]);
    assertThat(run("restore", dir.resolve("db.dump").toString(), "--database-url", url))
        .as("the first restore: %s%n%s", out, err)
        .isEqualTo(0);

    int status = run("restore", dir.resolve("db.dump").toString(), "--database-url", url);

    assertThat(status).isEqualTo(1);
    assertThat(out.toString()).contains("target-refused").contains("--clean");
  }

  @Test
  void wrongUsageExitsTwo() {
    assertThat(run("restore", dir.resolve("db.dump").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--database-url");
    assertThat(run("restore", dir.resolve("db.dump").toString(), "--database-url", "mysql://x/y"))
        .isEqualTo(2);
    assertThat(run("restore", "-", "--database-url", "postgresql://x/y")).isEqualTo(2);
  }

  @Test
  void neverPrintsThePasswordOfTheDatabaseUrl() {
    run(
        "restore",
        dir.resolve("db.dump").toString(),
        "--database-url",
        "postgresql://u:hunter2@127.0.0.1:1/none",
        "--format",
        "json");

    assertThat(out.toString() + err.toString()).doesNotContain("hunter2");
  }
}
