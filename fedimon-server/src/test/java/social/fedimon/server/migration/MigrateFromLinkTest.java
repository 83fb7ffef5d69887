package social.fedimon.server.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import social.fedimon.engine.testing.FixtureDatabase;
import social.fedimon.engine.testing.MastodonDatabase;
import social.fedimon.server.tenant.TenantDatabases;
import social.fedimon.server.testing.Backups;
import social.fedimon.server.testing.LinkServer;
import social.fedimon.server.testing.Platform;

/**
 * A migration whose backup comes from a download link (https on loopback, allowed here as an
 * operator would allow an internal mirror, with a test-only trust store). The link drops the first
 * download half-way; the migration resumes it and restores the same database. Links to forbidden
 * addresses are refused when given.
 */
class MigrateFromLinkTest {

  static Platform platform;
  static Platform.Node node;
  static String source;
  static LinkServer link;

  @BeforeAll
  static void start() {
    source = MastodonDatabase.createSource();
    Path archive = Backups.instanceArchive("link", source);
    link = new LinkServer(archive, archive.getParent());
    platform = new Platform("link");
    node =
        platform.start(
            "--fedimon.backup.allow-addresses=127.0.0.1/32",
            "--fedimon.backup.trust-store=" + link.trustStore(),
            "--fedimon.backup.trust-store-password=" + LinkServer.PASSWORD);
  }

  @AfterAll
  static void stop() {
    platform.close();
    link.close();
    FixtureDatabase.drop(source);
  }

  @Test
  void aBackupFetchedFromALinkThatDropsIsResumedAndRestored() {
    String admin = platform.account(node, "admin@example.social");
    String operator = platform.account(node, Platform.OPERATOR);
    JsonNode filed =
        platform
            .call(node, "POST", "/api/v1/instances", admin, Map.of("localDomain", "example.social"))
            .json();
    String instance = filed.get("id").asText();
    String task = filed.get("tasks").get(0).get("id").asText();

    for (String refused :
        new String[] {
          "http://example.org/backup.tar.zst", "https://169.254.169.254/latest/", "ftp://x/y"
        }) {
      Platform.Answer answer =
          platform.call(
              node,
              "POST",
              "/api/v1/instances/" + instance + "/backup",
              admin,
              Map.of("url", refused));
      assertThat(answer.status()).as(refused).isEqualTo(400);
      assertThat(answer.json().get("code").asText()).isEqualTo("link-refused");
    }

    link.dropsLeft.set(1);
    Platform.Answer given =
        platform.call(
            node,
            "POST",
            "/api/v1/instances/" + instance + "/backup",
            admin,
            Map.of("url", link.url("/archive?token=s3cr3t")));
    assertThat(given.status()).as(given.body()).isEqualTo(200);
    assertThat(given.body()).doesNotContain("s3cr3t");
    platform.call(
        node, "POST", "/api/v1/operator/instances/" + instance + "/approve", operator, null);
    platform.call(
        node, "POST", "/api/v1/operator/instances/" + instance + "/dns-verified", operator, null);
    platform.call(node, "POST", "/api/v1/instances/" + instance + "/confirm", admin, null);

    JsonNode done =
        platform.awaitTask(
            node,
            admin,
            task,
            Duration.ofSeconds(120),
            t -> t.get("state").asText().matches("succeeded|failed"));
    assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("succeeded");
    assertThat(link.ranges).hasSizeGreaterThanOrEqualTo(2);
    assertThat(link.ranges.get(1)).startsWith("bytes=");
    String tenant = TenantDatabases.nameFor(UUID.fromString(instance));
    assertThat(MastodonDatabase.checksums(tenant)).isEqualTo(MastodonDatabase.checksums(source));
    String log = platform.call(node, "GET", "/api/v1/tasks/" + task + "/log", admin, null).body();
    assertThat(log).contains("archive downloaded").doesNotContain("s3cr3t");
  }
}
