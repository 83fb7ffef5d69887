package social.fedimon.server.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import social.fedimon.engine.testing.Gpg;
import social.fedimon.engine.testing.InstanceTree;
import social.fedimon.engine.testing.Tools;
import social.fedimon.server.testing.Backups;
import social.fedimon.server.testing.Browser;
import social.fedimon.server.testing.Platform;

/**
 * An admin encrypts the backup to the platform's own keys for the instance, with the real {@code
 * age} and {@code gpg}, gives no password, and the migration opens it; the keys are the instance's
 * alone, shown on its page and in the API to its owner only.
 */
class EncryptedToUsTest {

  static Platform platform;
  static Platform.Node node;
  static Path archive;

  @BeforeAll
  static void start() {
    Tools.require("age", "gpg");
    archive = Backups.instanceArchive("to-us", InstanceTree.database());
    // a second instance of its own domain, for the second test: one instance per domain
    Tools.sh(
        archive.getParent(),
        "sed 's/^LOCAL_DOMAIN=.*/LOCAL_DOMAIN=pgp.example/' live/.env.production > env"
            + " && cp env live/.env.production && tar -czf pgp.tar.gz live database.sql.gz");
    platform = new Platform("tous");
    node = platform.start();
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  @Test
  void anArchiveEncryptedToOurAgeRecipientNeedsNoPassword() {
    String admin = platform.account(node, "age@example.org");
    JsonNode filed = file(admin, InstanceTree.LOCAL_DOMAIN);
    String instance = filed.get("id").asText();
    JsonNode keys =
        platform.call(node, "GET", "/api/v1/instances/" + instance + "/keys", admin, null).json();
    String recipient = keys.get("ageRecipient").asText();
    assertThat(recipient).startsWith("age1");
    assertThat(keys.toString()).doesNotContain("AGE-SECRET-KEY").doesNotContain("PRIVATE KEY");
    // asked again: the same keys
    assertThat(
            platform
                .call(node, "GET", "/api/v1/instances/" + instance + "/keys", admin, null)
                .json())
        .isEqualTo(keys);

    // another account: as if there were no such instance
    String other = platform.account(node, "nosy@example.org");
    assertThat(
            platform
                .call(node, "GET", "/api/v1/instances/" + instance + "/keys", other, null)
                .status())
        .isEqualTo(404);
    // another instance has keys of its own
    String second = file(admin, "second.example").get("id").asText();
    assertThat(
            platform
                .call(node, "GET", "/api/v1/instances/" + second + "/keys", admin, null)
                .json()
                .get("ageRecipient")
                .asText())
        .isNotEqualTo(recipient);

    Tools.sh(archive.getParent(), "age -r " + recipient + " -o backup.age backup.tar.gz");
    JsonNode report = migrate(admin, filed, archive.getParent().resolve("backup.age"));
    assertThat(report.get("layers").toString()).contains("age");

    try (Browser browser = new Browser(node, "en")) {
      browser.logIn("age@example.org");
      browser.open("/instances/" + second);
      browser.find("#encrypt-to-us summary").click();
      JsonNode secondKeys =
          platform.call(node, "GET", "/api/v1/instances/" + second + "/keys", admin, null).json();
      assertThat(browser.find("#age-recipient").getText())
          .isEqualTo(secondKeys.get("ageRecipient").asText());
      assertThat(browser.find("#openpgp-fingerprint").getText())
          .isEqualTo(secondKeys.get("openPgpFingerprint").asText());
      assertThat(browser.find("#encrypt-to-us").getText())
          .contains("age -r " + secondKeys.get("ageRecipient").asText());
      assertThat(browser.accessibilityProblems()).as("axe-core").isEmpty();
    }
  }

  @Test
  void anArchiveEncryptedToOurOpenPgpKeyNeedsNoPassword() throws Exception {
    String admin = platform.account(node, "pgp@example.org");
    JsonNode filed = file(admin, "pgp.example");
    String instance = filed.get("id").asText();
    JsonNode keys =
        platform.call(node, "GET", "/api/v1/instances/" + instance + "/keys", admin, null).json();
    String fingerprint = keys.get("openPgpFingerprint").asText();
    assertThat(fingerprint).matches("[0-9A-F]{40}");
    Path dir = archive.getParent();
    Files.writeString(dir.resolve("ours.asc"), keys.get("openPgpKey").asText());
    // the admin's own gpg, with the key imported as the page says
    Map<String, String> gpg = Gpg.homeWithAdminKey(dir);
    Tools.sh(
        dir,
        gpg,
        "gpg -q --batch --import ours.asc && gpg -q --batch --trust-model always"
            + " --encrypt --recipient "
            + fingerprint
            + " -o backup.gpg pgp.tar.gz");
    JsonNode report = migrate(admin, filed, dir.resolve("backup.gpg"));
    assertThat(report.get("layers").toString()).contains("\"pgp\"");
  }

  private JsonNode file(String admin, String domain) {
    Platform.Answer filed =
        platform.call(node, "POST", "/api/v1/instances", admin, Map.of("localDomain", domain));
    assertThat(filed.status()).as(filed.body()).isEqualTo(201);
    return filed.json();
  }

  /** Sends the archive, with no secret given, and returns the report once it is inspected. */
  private JsonNode migrate(String admin, JsonNode filed, Path encrypted) {
    String instance = filed.get("id").asText();
    String task = filed.get("tasks").get(0).get("id").asText();
    Platform.Answer put =
        platform.call(node, "PUT", "/api/v1/instances/" + instance + "/backup", admin, encrypted);
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    JsonNode waiting =
        platform.awaitTask(
            node,
            admin,
            task,
            Duration.ofSeconds(60),
            t ->
                "failed".equals(t.get("state").asText())
                    || ("wait".equals(t.get("step").asText())
                        && "waiting".equals(t.get("state").asText())));
    assertThat(waiting.get("problem").isNull()).as(waiting.toString()).isTrue();
    JsonNode report =
        platform.call(node, "GET", "/api/v1/instances/" + instance + "/report", admin, null).json();
    assertThat(report.get("verdict").asText()).isEqualTo("accepted");
    return report;
  }
}
