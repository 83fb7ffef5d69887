package social.fedimon.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import social.fedimon.engine.testing.FixtureDatabase;
import social.fedimon.engine.testing.MastodonDatabase;
import social.fedimon.server.testing.Backups;
import social.fedimon.server.testing.Browser;
import social.fedimon.server.testing.Platform;

/**
 * The backup sent from the browser in chunks (64 KiB here, so a small archive has several): an
 * upload that stopped after two chunks (as when the page was closed) goes on from the third when
 * the admin chooses the same file, the archive stored is the file byte for byte, and the migration
 * inspects it. Chunks of the wrong size or index are refused.
 */
class BackupUploadTest {

  static final int CHUNK = 64 * 1024;

  static Platform platform;
  static Platform.Node node;
  static String source;
  static Path archive;

  @BeforeAll
  static void start() {
    source = MastodonDatabase.createSource();
    archive = Backups.instanceArchive("browser-upload", source);
    platform = new Platform("upload");
    node = platform.start("--fedimon.backup.upload-chunk-bytes=" + CHUNK);
  }

  @AfterAll
  static void stop() {
    platform.close();
    FixtureDatabase.drop(source);
  }

  @Test
  void anInterruptedUploadGoesOnFromWhereItStopped() throws Exception {
    String admin = platform.account(node, "hal@example.org");
    Platform.Answer filed =
        platform.call(
            node, "POST", "/api/v1/instances", admin, Map.of("localDomain", "example.social"));
    String instance = filed.json().get("id").asText();
    String task = filed.json().get("tasks").get(0).get("id").asText();
    byte[] bytes = Files.readAllBytes(archive);
    int chunks = (bytes.length + CHUNK - 1) / CHUNK;
    assertThat(chunks).isGreaterThan(2);
    String uploads = "/api/v1/instances/" + instance + "/uploads";

    // the first two chunks, then the page was closed
    Platform.Answer started =
        platform.call(
            node,
            "POST",
            uploads,
            admin,
            Map.of("name", archive.getFileName().toString(), "size", bytes.length));
    assertThat(started.status()).as(started.body()).isEqualTo(200);
    String upload = started.json().get("id").asText();
    assertThat(started.json().get("chunks").asInt()).isEqualTo(chunks);
    for (int n = 0; n < 2; n++) {
      Path chunk = Files.createTempFile("chunk", ".bin");
      Files.write(chunk, Arrays.copyOfRange(bytes, n * CHUNK, (n + 1) * CHUNK));
      assertThat(
              platform
                  .call(node, "PUT", uploads + "/" + upload + "/chunks/" + n, admin, chunk)
                  .status())
          .isEqualTo(204);
    }
    // what the server refuses: a short chunk, a chunk past the end, completing early
    Path shortChunk = Files.createTempFile("chunk", ".bin");
    Files.write(shortChunk, new byte[100]);
    Platform.Answer tooShort =
        platform.call(node, "PUT", uploads + "/" + upload + "/chunks/1", admin, shortChunk);
    assertThat(tooShort.status()).isEqualTo(400);
    assertThat(tooShort.json().get("code").asText()).isEqualTo("invalid-request");
    // (refused before anything is stored: the chunk 1 received stays)
    assertThat(tooShort.json().get("detail").asText())
        .isEqualTo("chunk 1 must have " + CHUNK + " bytes, not 100");
    assertThat(
            platform
                .call(node, "PUT", uploads + "/" + upload + "/chunks/" + chunks, admin, shortChunk)
                .status())
        .isEqualTo(400);
    Platform.Answer early =
        platform.call(node, "POST", uploads + "/" + upload + "/complete", admin, null);
    assertThat(early.status()).isEqualTo(400);
    assertThat(early.json().get("detail").asText()).contains("missing");

    try (Browser browser = new Browser(node, "en")) {
      browser.logIn("hal@example.org");
      browser.open("/instances/" + instance);
      assertThat(browser.find("#upload-unfinished").getText())
          .contains("stopped after 2 of " + chunks + " parts");
      browser.find("#backup-file").sendKeys(archive.toAbsolutePath().toString());
      browser.find("#upload-form button[type=submit]").click();
      browser.await(
          Duration.ofSeconds(60),
          d -> !d.findElements(org.openqa.selenium.By.id("backup-received")).isEmpty());
      assertThat(browser.find("#backup-received").getText()).startsWith("Backup received:");
      assertThat(browser.all("#upload-unfinished")).isEmpty();
      browser.screenshot("backup-uploaded");

      // the archive's password, a refused link, a bucket that cannot be listed, then the go
      browser
          .find("#secrets-form")
          .findElement(org.openqa.selenium.By.xpath(".."))
          .findElement(org.openqa.selenium.By.tagName("summary"))
          .click();
      browser.type("#passwords", "pa ss word\nanother one");
      browser.clickAndWait("#secrets-form button");
      browser
          .find("#link-form")
          .findElement(org.openqa.selenium.By.xpath(".."))
          .findElement(org.openqa.selenium.By.tagName("summary"))
          .click();
      browser.type("#backup-url", "http://files.example.org/backup.tar.zst");
      browser.find("#link-form button").click();
      browser.await(
          Duration.ofSeconds(10),
          d ->
              !d.findElement(org.openqa.selenium.By.cssSelector("#link-form .form-error"))
                  .getText()
                  .isEmpty());
      assertThat(browser.find("#link-form .form-error").getText()).contains("https");
      browser
          .find("#media-form")
          .findElement(org.openqa.selenium.By.xpath(".."))
          .findElement(org.openqa.selenium.By.tagName("summary"))
          .click();
      browser.type("#s3-endpoint", "http://127.0.0.1:9/");
      browser.type("#s3-bucket", "media");
      browser.type("#s3-access", "AKIAEXAMPLE");
      browser.type("#s3-secret", "not-a-secret-that-works");
      browser.find("#media-form button").click();
      browser.await(
          Duration.ofSeconds(20),
          d ->
              !d.findElement(org.openqa.selenium.By.cssSelector("#media-form .form-error"))
                  .getText()
                  .isEmpty());
      assertThat(browser.find("#media-form .form-error").getText()).doesNotContain("not-a-secret");
      assertThat(browser.all("#media-access")).isEmpty();
      browser.clickAndWait("#confirm-form button");
      assertThat(browser.find("#confirmed").getText()).startsWith("You said go on");
      assertThat(browser.accessibilityProblems()).as("axe-core").isEmpty();
    }

    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    var view = platform.call(node, "GET", "/api/v1/instances/" + instance, admin, null).json();
    assertThat(view.get("confirmedAt").isNull()).isFalse();
    assertThat(view.get("mediaAccess").asBoolean()).isFalse();
    assertThat(view.at("/backup/sha256").asText()).isEqualTo(sha);
    assertThat(view.at("/backup/bytes").asLong()).isEqualTo(bytes.length);
    // the migration reads the chunks as one archive
    platform.awaitTask(
        node,
        admin,
        task,
        Duration.ofSeconds(60),
        t -> t.path("waitingFor").toString().contains("approval"));
    assertThat(
            platform
                .call(node, "GET", "/api/v1/instances/" + instance + "/report", admin, null)
                .json()
                .get("verdict")
                .asText())
        .isEqualTo("accepted");
  }
}
