package social.fedimon.server.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import social.fedimon.engine.media.ObjectStore;
import social.fedimon.engine.media.S3ObjectStore;
import social.fedimon.engine.media.S3Settings;
import social.fedimon.engine.testing.InstanceTree;
import social.fedimon.engine.testing.S3ProxyFixture;
import social.fedimon.server.testing.Backups;
import social.fedimon.server.testing.Platform;

/**
 * A scheduled migration: the admin picks a date and gives read access to the bucket of media;
 * before the date the media move (the pre-sync), and at the date only what changed since goes, with
 * the database. The pre-sync says what it moved and the downtime to expect.
 */
class ScheduledMigrationTest {

  static Platform platform;
  static Platform.Node node;
  static Path archive;
  static S3Settings bucket;

  @BeforeAll
  static void start() {
    archive = Backups.instanceArchive("scheduled", InstanceTree.database());
    bucket = S3ProxyFixture.newBucket();
    platform = new Platform("scheduled");
    node =
        platform.start(
            // the admin's bucket is the tests' S3Proxy: plain http on loopback, allowed here
            "--fedimon.backup.allow-http=true",
            "--fedimon.backup.allow-addresses=127.0.0.1/32",
            "--fedimon.tasks.presync-interval=1h");
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  @Test
  void mediaMoveBeforeTheDateAndOnlyTheDeltaAtIt() throws Exception {
    try (ObjectStore admins = S3ObjectStore.connect(bucket)) {
      putMedia(admins, 0, 20);
      String admin = platform.account(node, "admin@example.social");
      String operator = platform.account(node, Platform.OPERATOR);
      Instant date = Instant.now().plusSeconds(25);
      JsonNode filed =
          platform
              .call(
                  node,
                  "POST",
                  "/api/v1/instances",
                  admin,
                  Map.of("localDomain", "example.social", "scheduledAt", date.toString()))
              .json();
      String instance = filed.get("id").asText();
      String migration = filed.get("tasks").get(0).get("id").asText();
      assertThat(filed.get("scheduledAt").asText()).isNotEmpty();

      Map<String, Object> wrong = access("not-the-key");
      Platform.Answer refused =
          platform.call(
              node,
              "POST",
              "/api/v1/instances/" + instance + "/backup",
              admin,
              Map.of("s3", wrong));
      assertThat(refused.status()).isEqualTo(400);
      assertThat(refused.json().get("code").asText()).isEqualTo("media-access-refused");
      assertThat(refused.body()).doesNotContain("not-the-key");

      Platform.Answer given =
          platform.call(
              node,
              "POST",
              "/api/v1/instances/" + instance + "/backup",
              admin,
              Map.of("s3", access(bucket.secretKey())));
      assertThat(given.status()).as(given.body()).isEqualTo(200);
      assertThat(given.body()).doesNotContain(bucket.secretKey());
      String presyncTask = taskOfKind(admin, instance, "media-presync");

      JsonNode synced =
          platform.awaitTask(
              node,
              admin,
              presyncTask,
              Duration.ofSeconds(30),
              t ->
                  t.path("result").path("syncs").asLong() >= 1
                      && "waiting".equals(t.get("state").asText()));
      assertThat(synced.get("state").asText()).isEqualTo("waiting");
      assertThat(synced.at("/result/filesMoved").asLong()).isEqualTo(20);
      assertThat(synced.at("/result/bytesMoved").asLong()).isEqualTo(20 * 5000L);
      assertThat(synced.at("/result/lastSyncSeconds").isNumber()).isTrue();
      assertThat(synced.at("/result/nextSyncAt").asText()).isNotEmpty();

      // the instance goes on serving: three new attachments before the cut-over
      putMedia(admins, 20, 3);
      platform.call(node, "PUT", "/api/v1/instances/" + instance + "/backup", admin, archive);
      platform.call(
          node, "POST", "/api/v1/operator/instances/" + instance + "/approve", operator, null);
      platform.call(
          node, "POST", "/api/v1/operator/instances/" + instance + "/dns-verified", operator, null);
      platform.call(node, "POST", "/api/v1/instances/" + instance + "/confirm", admin, null);

      JsonNode held =
          platform.awaitTask(
              node,
              admin,
              migration,
              Duration.ofSeconds(30),
              t ->
                  "wait".equals(t.get("step").asText())
                      && "waiting".equals(t.get("state").asText())
                      && "[\"date\"]".equals(t.get("waitingFor").toString()));
      assertThat(held.get("waitingFor").toString()).isEqualTo("[\"date\"]");

      JsonNode done =
          platform.awaitTask(
              node,
              admin,
              migration,
              Duration.ofSeconds(90),
              t -> t.get("state").asText().matches("succeeded|failed"));
      assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("succeeded");
      assertThat(Instant.parse(done.get("finishedAt").asText())).isAfter(date);
      String log =
          platform.call(node, "GET", "/api/v1/tasks/" + migration + "/log", admin, null).body();
      assertThat(log)
          .contains("media from your bucket: 3 files (15000 bytes) copied, 20 already here");

      try (ObjectStore tenant =
          S3ObjectStore.connect(
              new S3Settings(
                  platform.s3.endpoint(),
                  platform.s3.region(),
                  platform.s3.bucket(),
                  MigrateIn.mediaPrefix(UUID.fromString(instance)),
                  platform.s3.accessKey(),
                  platform.s3.secretKey(),
                  true,
                  true))) {
        long bucketMedia = tenant.list("media_attachments/files/900/").count();
        assertThat(bucketMedia).isEqualTo(23);
      }
    }
  }

  private String taskOfKind(String admin, String instance, String kind) {
    for (JsonNode task :
        platform
            .call(node, "GET", "/api/v1/instances/" + instance, admin, null)
            .json()
            .get("tasks")) {
      if (kind.equals(task.get("kind").asText())) {
        return task.get("id").asText();
      }
    }
    throw new AssertionError("no " + kind + " task");
  }

  private static Map<String, Object> access(String secret) {
    return Map.of(
        "endpoint", bucket.endpoint().toString(),
        "region", bucket.region(),
        "bucket", bucket.bucket(),
        "prefix", "",
        "accessKey", bucket.accessKey(),
        "secretKey", secret);
  }

  private static void putMedia(ObjectStore store, int from, int count) {
    Random random = new Random(from);
    for (int i = from; i < from + count; i++) {
      byte[] bytes = new byte[5000];
      random.nextBytes(bytes);
      store.put(
          String.format("media_attachments/files/900/000/%03d/original/p.png", i),
          bytes,
          "image/png");
    }
  }
}
