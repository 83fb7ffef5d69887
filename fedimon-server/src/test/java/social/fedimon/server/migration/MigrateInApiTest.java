package social.fedimon.server.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import social.fedimon.engine.media.S3ObjectStore;
import social.fedimon.engine.media.S3Settings;
import social.fedimon.engine.media.StoredObject;
import social.fedimon.engine.testing.InstanceTree;
import social.fedimon.engine.testing.MastodonDatabase;
import social.fedimon.server.tenant.TenantDatabases;
import social.fedimon.server.testing.Backups;
import social.fedimon.server.testing.Platform;

/**
 * A migration through the API, as a script drives it, on a real PostgreSQL and S3Proxy: file a
 * request, stream the backup, wait for approval, DNS and the go, and find the tenant database equal
 * to the source, row for row, and the media in the store.
 */
class MigrateInApiTest {

  static Platform platform;
  static Platform.Node node;
  static String source;
  static Path archive;

  @BeforeAll
  static void start() {
    source = MastodonDatabase.createSource();
    archive = Backups.instanceArchive("migrate-in", source);
    platform = new Platform("migrate_in");
    node = platform.start();
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  @Test
  void aBackupSentThroughTheApiIsRestoredOnceApprovedVerifiedAndConfirmed() throws Exception {
    String admin = platform.account(node, "admin@example.social");
    String operator = platform.account(node, Platform.OPERATOR);
    String stranger = platform.account(node, "stranger@example.org");

    Platform.Answer filed =
        platform.call(
            node, "POST", "/api/v1/instances", admin, Map.of("localDomain", "Example.Social"));
    assertThat(filed.status()).isEqualTo(201);
    String instance = filed.json().get("id").asText();
    assertThat(filed.json().get("localDomain").asText()).isEqualTo(InstanceTree.LOCAL_DOMAIN);
    String task = filed.json().get("tasks").get(0).get("id").asText();

    // the migration waits for the backup first
    JsonNode waiting =
        platform.awaitTask(
            node,
            admin,
            task,
            Duration.ofSeconds(30),
            t -> "waiting".equals(t.get("state").asText()));
    assertThat(waiting.get("kind").asText()).isEqualTo("migrate-in");
    assertThat(waiting.get("step").asText()).isEqualTo("receive");
    assertThat(texts(waiting.get("waitingFor"))).containsExactly("backup");

    Platform.Answer sent =
        platform.call(node, "PUT", "/api/v1/instances/" + instance + "/backup", admin, archive);
    assertThat(sent.status()).as(sent.body()).isEqualTo(200);
    assertThat(sent.json().get("backup").get("bytes").asLong())
        .isEqualTo(java.nio.file.Files.size(archive));

    // inspected, then waiting for the operator and the admin
    JsonNode held =
        platform.awaitTask(
            node,
            admin,
            task,
            Duration.ofSeconds(60),
            t ->
                "wait".equals(t.get("step").asText()) && "waiting".equals(t.get("state").asText()));
    assertThat(texts(held.get("waitingFor"))).containsExactly("approval", "dns", "confirmation");
    Platform.Answer report =
        platform.call(node, "GET", "/api/v1/instances/" + instance + "/report", admin, null);
    assertThat(report.status()).isEqualTo(200);
    assertThat(report.json().get("verdict").asText()).isEqualTo("accepted");
    assertThat(report.json().get("env").get("localDomain").asText()).isEqualTo("example.social");

    // another account sees none of it, and an admin is no operator
    for (String path :
        List.of(
            "/api/v1/instances/" + instance,
            "/api/v1/instances/" + instance + "/report",
            "/api/v1/tasks/" + task,
            "/api/v1/tasks/" + task + "/log")) {
      assertThat(platform.call(node, "GET", path, stranger, null).status()).as(path).isEqualTo(404);
    }
    assertThat(
            platform
                .call(node, "POST", "/api/v1/tasks/" + task + "/cancel", stranger, null)
                .status())
        .isEqualTo(404);
    assertThat(
            platform
                .call(
                    node,
                    "POST",
                    "/api/v1/operator/instances/" + instance + "/approve",
                    admin,
                    null)
                .status())
        .isEqualTo(403);
    assertThat(platform.call(node, "GET", "/api/v1/tasks/" + task, null, null).status())
        .isEqualTo(401);

    assertThat(
            platform
                .call(
                    node,
                    "POST",
                    "/api/v1/operator/instances/" + instance + "/approve",
                    operator,
                    null)
                .status())
        .isEqualTo(200);
    platform.call(
        node, "POST", "/api/v1/operator/instances/" + instance + "/dns-verified", operator, null);
    JsonNode stillWaiting =
        platform.awaitTask(
            node,
            admin,
            task,
            Duration.ofSeconds(30),
            t -> texts(t.get("waitingFor")).equals(List.of("confirmation")));
    assertThat(stillWaiting.get("state").asText()).isEqualTo("waiting");
    platform.call(node, "POST", "/api/v1/instances/" + instance + "/confirm", admin, null);

    // the event stream follows the restore live and ends with the task
    List<String> events = platform.events(node, admin, task, Duration.ofSeconds(120));
    assertThat(events).anyMatch(e -> e.startsWith("task ") && e.contains("\"state\":\"running\""));
    // the stream looks every 500 ms: a restore of this small archive (0.4 s in a CI run) may begin
    // and end between two looks, so its task snapshot may be missed; its log lines never are
    assertThat(events).anyMatch(e -> e.startsWith("log ") && e.contains("\"step\":\"restore\""));
    assertThat(events).anyMatch(e -> e.startsWith("log ") && e.contains("restored "));
    assertThat(events.get(events.size() - 1)).startsWith("task ").contains("\"succeeded\"");

    JsonNode done =
        platform.awaitTask(
            node,
            admin,
            task,
            Duration.ofSeconds(120),
            t -> t.get("state").asText().matches("succeeded|failed"));
    assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("succeeded");
    // no cluster configured: the instance's objects are written for an operator, nothing runs
    assertThat(done.get("result").get("state").asText()).isEqualTo("ready-to-apply");
    java.nio.file.Path manifests =
        java.nio.file.Path.of(done.get("result").get("manifests").asText());
    assertThat(manifests).endsWith(java.nio.file.Path.of("instances", "example.social"));
    assertThat(done.get("result").get("commands").get(0).asText())
        .isEqualTo("sh " + manifests.resolve("apply.sh"));
    String base = java.nio.file.Files.readString(manifests.resolve("1-base.yaml"));
    // the Secret holds the env rewritten for this platform: its tenant database, its own Redis
    assertThat(base)
        .contains(
            "DB_NAME: \"" + TenantDatabases.nameFor(java.util.UUID.fromString(instance)) + "\"")
        .contains("REDIS_HOST: \"redis\"")
        .contains("LOCAL_DOMAIN: \"example.social\"");
    assertThat(java.nio.file.Files.readString(manifests.resolve("3-app.yaml")))
        .contains("image: \"ghcr.io/mastodon/mastodon:v")
        .contains("host: \"example.social\"");
    assertThat(done.get("problem").isNull()).isTrue();

    String tenant = TenantDatabases.nameFor(java.util.UUID.fromString(instance));
    assertThat(MastodonDatabase.checksums(tenant)).isEqualTo(MastodonDatabase.checksums(source));
    assertThat(MastodonDatabase.owners(tenant)).containsOnly(tenant);

    S3Settings s3 = platform.s3;
    try (S3ObjectStore media =
        S3ObjectStore.connect(
            new S3Settings(
                s3.endpoint(),
                s3.region(),
                s3.bucket(),
                MigrateIn.mediaPrefix(java.util.UUID.fromString(instance)),
                s3.accessKey(),
                s3.secretKey(),
                true,
                true))) {
      List<StoredObject> objects = media.list("").toList();
      assertThat(objects).hasSize((int) InstanceTree.MEDIA_FILES);
    }

    List<String> log = new ArrayList<>();
    platform
        .call(node, "GET", "/api/v1/tasks/" + task + "/log", admin, null)
        .json()
        .forEach(e -> log.add(e.get("step").asText() + ": " + e.get("message").asText()));
    assertThat(log)
        .contains("restore: done", "env: done")
        .anyMatch(line -> line.startsWith("ready: ready to apply: the manifests are in "))
        .noneMatch(line -> line.contains("pa ss#word"));
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    if (array != null) {
      array.forEach(node -> texts.add(node.asText()));
    }
    return texts;
  }
}
