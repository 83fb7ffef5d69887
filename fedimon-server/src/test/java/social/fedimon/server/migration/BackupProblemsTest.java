package social.fedimon.server.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import social.fedimon.engine.testing.InstanceTree;
import social.fedimon.engine.testing.Tools;
import social.fedimon.server.testing.Backups;
import social.fedimon.server.testing.Platform;

/**
 * A backup that cannot be read stops the migration with the engine's problem code and plain words;
 * the admin gives what was missing and the migration goes on from the inspection.
 */
class BackupProblemsTest {

  static final String PASSWORD = "s3cret pass#word";

  static Platform platform;
  static Platform.Node node;
  static Path locked;

  @BeforeAll
  static void start() {
    Path archive = Backups.instanceArchive("locked", InstanceTree.database());
    Tools.require("7zz");
    Tools.sh(
        archive.getParent(), "7zz a -bd -p'" + PASSWORD + "' locked.7z backup.tar.gz >/dev/null");
    locked = archive.getParent().resolve("locked.7z");
    platform = new Platform("problems");
    node = platform.start();
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  @Test
  void aLockedArchiveWaitsForItsPasswordAndAWrongOneIsSaidSo() throws Exception {
    String admin = platform.account(node, "admin@example.social");
    JsonNode filed =
        platform
            .call(node, "POST", "/api/v1/instances", admin, Map.of("localDomain", "example.social"))
            .json();
    String instance = filed.get("id").asText();
    String task = filed.get("tasks").get(0).get("id").asText();
    // as curl --data-binary sends it: a form's content type, which the body is not
    java.net.http.HttpResponse<String> put =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        node.base().resolve("/api/v1/instances/" + instance + "/backup"))
                    .header("Authorization", "Bearer " + admin)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofFile(locked))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);

    JsonNode failed = awaitEnd(admin, task);
    assertThat(failed.get("state").asText()).isEqualTo("failed");
    assertThat(failed.get("step").asText()).isEqualTo("inspect");
    assertThat(failed.get("problem").get("code").asText()).isEqualTo("secret-required");
    assertThat(
            platform
                .call(node, "GET", "/api/v1/instances/" + instance + "/report", admin, null)
                .json()
                .get("verdict")
                .asText())
        .isEqualTo("rejected");

    // an operator may retry a failed task (from the step it failed at); an admin may not
    String operator = platform.account(node, Platform.OPERATOR);
    assertThat(
            platform
                .call(node, "POST", "/api/v1/operator/tasks/" + task + "/retry", admin, Map.of())
                .status())
        .isEqualTo(403);
    Platform.Answer retried =
        platform.call(
            node,
            "POST",
            "/api/v1/operator/tasks/" + task + "/retry",
            operator,
            Map.of("step", "inspect"));
    assertThat(retried.status()).as(retried.body()).isEqualTo(200);
    assertThat(retried.json().get("state").asText()).isEqualTo("queued");
    JsonNode again = awaitEnd(admin, task);
    assertThat(again.get("problem").get("code").asText()).isEqualTo("secret-required");
    assertThat(
            platform
                .call(
                    node,
                    "POST",
                    "/api/v1/operator/tasks/" + task + "/retry",
                    operator,
                    Map.of("step", "nope"))
                .json()
                .get("code")
                .asText())
        .isEqualTo("invalid-request");

    platform.call(
        node,
        "POST",
        "/api/v1/instances/" + instance + "/secrets",
        admin,
        Map.of("passwords", List.of("not it")));
    JsonNode wrong =
        platform.awaitTask(
            node,
            admin,
            task,
            Duration.ofSeconds(60),
            t ->
                "failed".equals(t.get("state").asText())
                    && "wrong-secret".equals(t.get("problem").get("code").asText()));
    assertThat(wrong.get("problem").get("message").asText()).doesNotContain("not it");

    Platform.Answer given =
        platform.call(
            node,
            "POST",
            "/api/v1/instances/" + instance + "/secrets",
            admin,
            Map.of("passwords", List.of(PASSWORD)));
    assertThat(given.body()).doesNotContain(PASSWORD);
    JsonNode inspected =
        platform.awaitTask(
            node,
            admin,
            task,
            Duration.ofSeconds(60),
            t ->
                "wait".equals(t.get("step").asText()) && "waiting".equals(t.get("state").asText()));
    assertThat(inspected.get("problem").isNull()).isTrue();
    JsonNode report =
        platform.call(node, "GET", "/api/v1/instances/" + instance + "/report", admin, null).json();
    assertThat(report.get("verdict").asText()).isEqualTo("accepted");
    assertThat(report.get("layers").toString()).contains("7z");
  }

  @Test
  void anIdentityThatIsNoKeyIsRefusedWhenGiven() {
    String admin = platform.account(node, "other@example.org");
    JsonNode filed =
        platform
            .call(node, "POST", "/api/v1/instances", admin, Map.of("localDomain", "other.example"))
            .json();
    Platform.Answer refused =
        platform.call(
            node,
            "POST",
            "/api/v1/instances/" + filed.get("id").asText() + "/secrets",
            admin,
            Map.of("identities", List.of("not a key at all")));
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().get("code").asText()).isEqualTo("invalid-request");
    assertThat(refused.json().get("detail").asText()).contains("identity 1");
  }

  private JsonNode awaitEnd(String admin, String task) {
    return platform.awaitTask(
        node,
        admin,
        task,
        Duration.ofSeconds(60),
        t -> t.get("state").asText().matches("failed|succeeded|cancelled"));
  }
}
