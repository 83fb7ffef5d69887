package social.fedimon.server.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import social.fedimon.engine.media.ObjectStore;
import social.fedimon.engine.media.S3ObjectStore;
import social.fedimon.engine.media.S3Settings;
import social.fedimon.engine.media.StoredObject;
import social.fedimon.engine.testing.InstanceTree;
import social.fedimon.server.instance.InstanceStore;
import social.fedimon.server.testing.Backups;
import social.fedimon.server.testing.Platform;
import social.fedimon.server.testing.TestClock;

/**
 * What is kept only for a while goes: the archive a migration restored, once the retention window
 * is over, and an export's archive once its link expired (the link then answers 410).
 */
class CleanupTest {

  static Platform platform;
  static Platform.Node node;
  static Path archive;

  @BeforeAll
  static void start() {
    archive = Backups.instanceArchive("cleanup", InstanceTree.database());
    platform = new Platform("cleanup");
    node =
        platform.start(
            TestClock.ARGUMENT,
            "--fedimon.exports.link-lifetime=1h",
            "--fedimon.exports.backup-retention=2h");
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  @Test
  void restoredArchivesAndExpiredExportsAreDeleted() throws Exception {
    String admin = platform.account(node, "admin@example.social");
    String operator = platform.account(node, Platform.OPERATOR);
    Platform.Migration migration = platform.migrate(node, admin, operator, archive);
    platform.awaitTask(
        node,
        admin,
        migration.task(),
        Duration.ofSeconds(60),
        t -> "succeeded".equals(t.get("state").asText()));
    Platform.Answer asked =
        platform.call(
            node,
            "POST",
            "/api/v1/instances/" + migration.instance() + "/exports",
            admin,
            Map.of());
    JsonNode exported =
        platform.awaitTask(
            node,
            admin,
            asked.json().get("id").asText(),
            Duration.ofSeconds(60),
            t -> "succeeded".equals(t.get("state").asText()));
    // the archive and, as the instance has media, the manifest of their presigned URLs
    assertThat(objects("exports/"))
        .extracting(StoredObject::key)
        .anyMatch(key -> key.endsWith("/export.tar.zst"))
        .anyMatch(key -> key.endsWith("/media-manifest.json"));

    // within the retention and the link's life, the cleanup keeps both
    ConfigurableApplicationContext context = Objects.requireNonNull(node.context());
    cleanUp(context);
    assertThat(objects("backups/")).hasSize(1);
    assertThat(objects("exports/")).isNotEmpty();

    context.getBean(TestClock.Shifted.class).advance(Duration.ofHours(3));
    cleanUp(context);
    assertThat(objects("backups/")).as("the restored archive").isEmpty();
    assertThat(objects("exports/")).as("the expired export").isEmpty();
    // the report stays, and the link says it expired
    assertThat(
            platform
                .call(
                    node,
                    "GET",
                    "/api/v1/instances/" + migration.instance() + "/report",
                    admin,
                    null)
                .status())
        .isEqualTo(200);
    assertThat(
            platform
                .call(node, "GET", exported.at("/result/downloadUrl").asText(), admin, null)
                .status())
        .isEqualTo(410);
  }

  /** The cleanup's run, as its recurring task makes it (its own schedule is every 10 minutes). */
  private static void cleanUp(ConfigurableApplicationContext context) {
    Cleanup.run(
        context.getBean(ExportProperties.class),
        context.getBean(JdbcClient.class),
        context.getBean(ObjectStore.class),
        context.getBean(InstanceStore.class),
        context.getBean(Clock.class));
  }

  private static List<StoredObject> objects(String prefix) {
    S3Settings s3 = platform.s3;
    try (S3ObjectStore all =
        S3ObjectStore.connect(
            new S3Settings(
                s3.endpoint(),
                s3.region(),
                s3.bucket(),
                "",
                s3.accessKey(),
                s3.secretKey(),
                true,
                true))) {
      return all.list(prefix).toList();
    }
  }
}
