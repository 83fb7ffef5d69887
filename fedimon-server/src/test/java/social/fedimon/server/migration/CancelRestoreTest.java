package social.fedimon.server.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import social.fedimon.engine.media.S3ObjectStore;
import social.fedimon.engine.media.S3Settings;
import social.fedimon.engine.testing.FixtureDatabase;
import social.fedimon.server.tenant.TenantDatabases;
import social.fedimon.server.testing.Backups;
import social.fedimon.server.testing.Platform;

/**
 * A cancel while the restore runs: the step stops within seconds and the task ends cancelled with
 * nothing left of it: no tenant database, no tenant role, no media, no archive.
 */
class CancelRestoreTest {

  static Platform platform;
  static Platform.Node node;
  static Path archive;

  @BeforeAll
  static void start() {
    String source = Backups.bigSource();
    archive = Backups.instanceArchive("cancel", source);
    FixtureDatabase.drop(source);
    platform = new Platform("cancel");
    node = platform.start();
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  @Test
  void aCancelDuringTheRestoreStopsItAndLeavesNothing() throws Exception {
    String admin = platform.account(node, "admin@example.social");
    String operator = platform.account(node, Platform.OPERATOR);
    Platform.Migration migration = platform.migrate(node, admin, operator, archive);

    JsonNode loading =
        platform.awaitTask(
            node,
            admin,
            migration.task(),
            Duration.ofSeconds(120),
            t ->
                "restore".equals(t.get("step").asText())
                    && t.get("progress").hasNonNull("phase")
                    && t.get("progress").get("phase").asText().matches("data|post-data"));
    assertThat(loading.get("state").asText()).isEqualTo("running");
    String tenant = TenantDatabases.nameFor(UUID.fromString(migration.instance()));
    assertThat(exists("pg_database", "datname", tenant)).isTrue();

    Instant asked = Instant.now();
    Platform.Answer cancel =
        platform.call(node, "POST", "/api/v1/tasks/" + migration.task() + "/cancel", admin, null);
    assertThat(cancel.status()).isEqualTo(200);
    assertThat(cancel.json().get("cancelAsked").asBoolean()).isTrue();

    JsonNode cancelled =
        platform.awaitTask(
            node,
            admin,
            migration.task(),
            Duration.ofSeconds(30),
            t -> t.get("state").asText().matches("cancelled|failed|succeeded"));
    assertThat(cancelled.get("state").asText()).as(cancelled.toString()).isEqualTo("cancelled");
    assertThat(Duration.between(asked, Instant.now())).isLessThan(Duration.ofSeconds(15));

    assertThat(exists("pg_database", "datname", tenant)).isFalse();
    assertThat(exists("pg_roles", "rolname", tenant)).isFalse();
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
      assertThat(all.list("").toList()).as("objects left in the bucket").isEmpty();
    }
    JsonNode instance =
        platform.call(node, "GET", "/api/v1/instances/" + migration.instance(), admin, null).json();
    assertThat(instance.get("backup").isNull()).isTrue();
    // an ended task cannot be cancelled again
    assertThat(
            platform
                .call(node, "POST", "/api/v1/tasks/" + migration.task() + "/cancel", admin, null)
                .status())
        .isEqualTo(409);
  }

  private static boolean exists(String catalog, String column, String name) throws Exception {
    try (var c = java.sql.DriverManager.getConnection(FixtureDatabase.adminUrl("postgres"));
        var s = c.prepareStatement("SELECT 1 FROM " + catalog + " WHERE " + column + " = ?")) {
      s.setString(1, name);
      try (var rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }
}
