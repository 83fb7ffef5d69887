package social.fedimon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import social.fedimon.engine.testing.InstanceTree;
import social.fedimon.engine.testing.TarBuilder;
import social.fedimon.engine.testing.Tools;

/** {@code fedimon inspect} as a person or a script sees it: output, exit status, errors. */
class InspectCommandTest {

  @TempDir static Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void makeBackup() throws Exception {
    InstanceTree.create(dir);
    Files.writeString(dir.resolve("pw.txt"), "pa ss #wörd=1\r\nsecond line is ignored\n");
    Tools.sh(dir, "tar -cf - live database.sql.xz | zstd -q > backup.tar.zst");
    // PPMd (7-Zip's coder for text) behind AES with encrypted headers: our own 7z reader end to end
    Tools.sh(
        dir, "7zz a -m0=PPMd -p'pa ss #wörd=1' -mhe=on backup.7z live database.sql.xz > /dev/null");
    Files.write(
        dir.resolve("evil.tar"),
        new TarBuilder()
            .file("../../etc/evil", "x")
            .file("live/.env.production", InstanceTree.ENV)
            .build());
  }

  private int run(String... args) {
    return Fedimon.commandLine(new PrintWriter(out, true), new PrintWriter(err, true), args)
        .execute(args);
  }

  @Test
  void printsExactlyOneJsonDocumentAndExitsZeroWhenAccepted() throws Exception {
    int status = run("inspect", "--format", "json", dir.resolve("backup.tar.zst").toString());

    assertThat(status).isEqualTo(0);
    ObjectMapper json = new ObjectMapper();
    JsonNode report = json.readTree(out.toString());
    assertThat(json.readerFor(JsonNode.class).readValues(out.toString()).readAll()).hasSize(1);
    assertThat(report.path("verdict").asText()).isEqualTo("accepted");
    assertThat(report.path("layers")).extracting(JsonNode::asText).containsExactly("zstd", "tar");
    assertThat(report.at("/env/localDomain").asText()).isEqualTo("example.social");
    assertThat(report.at("/env/webDomain").asText()).isEqualTo("social.example.social");
    assertThat(report.at("/database/format").asText()).isEqualTo("plain");
    assertThat(report.at("/database/compression").asText()).isEqualTo("xz");
    assertThat(report.at("/media/files").asLong()).isEqualTo(InstanceTree.MEDIA_FILES);
    assertThat(report.has("restored")).as("only restore reports what it restored").isFalse();
    assertThat(report.at("/database/dumpedBy").asText()).matches("\\d+\\.\\d+.*");
    // no fork's migrations in this database: vanilla Mastodon, written as null, not left out
    assertThat(report.at("/database/mastodon").has("fork")).isTrue();
    assertThat(report.at("/database/mastodon/fork").isNull()).as("unknown is null").isTrue();
  }

  @Test
  void theTextReportNamesTheReleaseAndForkAsTheJsonDoes() throws Exception {
    run("inspect", "--format", "json", dir.resolve("backup.tar.zst").toString());
    JsonNode report = new ObjectMapper().readTree(out.toString());
    out.getBuffer().setLength(0);

    int status = run("inspect", dir.resolve("backup.tar.zst").toString());

    assertThat(status).isEqualTo(0);
    assertThat(out.toString())
        .contains(
            "Release:    Mastodon "
                + report.at("/database/mastodon/release").asText()
                + " (schema "
                + report.at("/database/mastodon/schemaVersion").asText()
                + ")");
  }

  @Test
  void exitsOneAndExplainsWhatToDoWhenRejected() {
    int status = run("inspect", dir.resolve("evil.tar").toString());

    assertThat(status).isEqualTo(1);
    assertThat(out.toString())
        .contains("REJECTED")
        .contains("path-traversal")
        .contains("../../etc/evil")
        .contains("What to do:")
        .contains("no-database");
  }

  @Test
  void readsThePasswordFileFirstLineWithSpacesHashAndAccents() {
    int status =
        run(
            "inspect",
            "--format=json",
            "--password-file",
            dir.resolve("pw.txt").toString(),
            dir.resolve("backup.7z").toString());

    assertThat(status).isEqualTo(0);
    assertThat(out.toString()).contains("\"7z\"").doesNotContain("wörd");
  }

  @Test
  void aMissingSecretIsARejectionNotAUsageError() {
    int status = run("inspect", dir.resolve("backup.7z").toString());

    assertThat(status).isEqualTo(1);
    assertThat(out.toString()).contains("secret-required").contains("--password");
  }

  @Test
  void aMissingFileIsAUsageError() {
    int status = run("inspect", dir.resolve("nope.tar").toString());

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("no such file");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void anIdentityFileThatIsNoKeyIsAUsageError() throws Exception {
    Path notAKey = Files.writeString(dir.resolve("not-a-key.txt"), "hello");

    int status =
        run("inspect", "--identity", notAKey.toString(), dir.resolve("backup.tar.zst").toString());

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("neither an age identity");
  }

  @Test
  void limitsCanBeRaisedFromTheCommandLine() {
    int status =
        run(
            "inspect",
            "--max-entries=3",
            "--format=json",
            dir.resolve("backup.tar.zst").toString());

    assertThat(status).isEqualTo(1);
    assertThat(out.toString()).contains("size-limit");
  }
}
